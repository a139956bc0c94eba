// Credentials must not leave the learner's machine through the progress mirror, nor reach the
// screen through step output or error messages, whatever they are called and however they arrive.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mirrorOf, valueLooksSecret } from '../../src/classroom/mirror.ts';
import { validateInput } from '../../src/play/inputs.ts';
import { nameLooksSecret, newProgress } from '../../src/state/progress.ts';
import { createSecretMasker } from '../../src/steps/mask.ts';
import { makeSandbox, type Sandbox } from '../e2e/pty.ts';
import { runInProcess, writeFiles } from './support.ts';

describe('names that hold credentials', () => {
  it.each(['DB_PASS', 'SSH_KEY', 'AUTH', 'BASIC_AUTH', 'PRIVATEKEY', 'AZURE_CREDENTIALS', 'GIT_CREDENTIAL_HELPER_TOKEN', 'dbPass', 'sshKey', 'SLACK_WEBHOOK', 'SENTRY_DSN', 'TLS_KEY', 'SMTP_PWD'])(
    '%s is a secret, and the mirror withholds it',
    (name) => {
      expect(nameLooksSecret(name)).toBe(true);
      const progress = newProgress('j', '/w');
      progress.vars[name] = { value: 'plain', source: 'capture', secret: false, at: '' };
      const mirror = mirrorOf(progress);
      expect(mirror.vars).toEqual({});
      expect(mirror.withheld).toEqual([name]);
    },
  );

  it.each(['DOMAIN', 'NAMESPACE', 'AUTHOR', 'PASSENGER_COUNT', 'COMPASS', 'PUBLIC_KEY', 'AZURE_CREDENTIALS_FILE', 'SSH_KEY_PATH', 'KEYCLOAK_HOST'])('%s is a plain setting', (name) => {
    expect(nameLooksSecret(name)).toBe(false);
  });
});

describe('values that are credentials', () => {
  it.each([
    ['a long hex key', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['a 32-digit hex key', '0123456789abcdef0123456789abcdef'],
    ['a kubeadm token', 'abcdef.0123456789abcdef'],
    ['a kubeadm join line', 'kubeadm join 10.0.0.1:6443 --token 07401b.f395accd246ae52d'],
    ['a Slack webhook', 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXX'],
    ['an Azure SAS URL', 'https://hero.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=o&sp=r&se=2030-01-01T00:00:00Z&sig=abcDEF%2Bghi%3D'],
    ['an Azure SAS token', 'sv=2022-11-02&ss=b&sp=r&sig=abcdefghijklmnop%3D'],
    ['a UUID-shaped key', '3f2504e0-4f89-11d3-9a0c-0305e82c3301'],
    ['a URL with a token', 'https://api.example.com/v1?token=abcdefgh12345678'],
  ])('%s', (_what, value) => {
    expect(valueLooksSecret(value)).toBe(true);
  });

  it.each(['sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', 'ghcr.io/hero/app@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', '10.0.0.1', 'hero.127.0.0.1.nip.io', 'v1.37.2', 'a1b2c3d', 'kind-hero', 'https://example.com/?page=2'])(
    '%s is a plain value',
    (value) => {
      expect(valueLooksSecret(value)).toBe(false);
    },
  );
});

describe('live step output', () => {
  const secret = 's3cr3t-V4lue-xyz';
  const run = (chunks: string[]) => {
    const masker = createSecretMasker([secret]);
    return chunks.map((c) => masker.push(c)).join('') + masker.flush();
  };

  it('masks a secret split across chunks, at every split point', () => {
    const line = `token is ${secret} ok\n`;
    for (let i = 1; i < line.length; i++) {
      const out = run([line.slice(0, i), line.slice(i)]);
      expect(out).toBe('token is •••••• ok\n');
    }
    expect(run([...line])).toBe('token is •••••• ok\n');
  });

  it('holds back only what could be the start of a secret, and gives it back when it is not', () => {
    const masker = createSecretMasker([secret]);
    expect(masker.push('plain line\n')).toBe('plain line\n');
    expect(masker.push('ends with s3c')).toBe('ends with ');
    expect(masker.push('ond\n')).toBe('s3cond\n');
    expect(masker.push('s3cr')).toBe('');
    expect(masker.flush()).toBe('s3cr');
  });
});

describe('a secret input that fails validation', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await makeSandbox();
    await writeFiles(sandbox.root, {
      'journey/journey.yaml': 'id: vault\ntitle: The vault\nstart: door\n',
      'journey/door.md': '---\ntitle: The door\ninputs:\n  - name: VAULT_CODE\n    prompt: The code\n    secret: true\n    validate: "regex:[0-9]{6}"\n---\n\n# The door\n\n```sh\necho open\n```\n',
    });
  });
  afterEach(() => sandbox.cleanup());

  it('is named, never quoted', () => {
    const verdict = validateInput({ name: 'VAULT_CODE', validate: 'regex:[0-9]{6}', secret: true }, 'hunter2-typed');
    expect(verdict).toEqual(expect.stringContaining('VAULT_CODE'));
    expect(verdict).not.toContain('hunter2-typed');
    expect(validateInput({ name: 'HOST', validate: 'hostname', secret: true }, 'my secret')).not.toContain('my secret');
  });

  it('is never echoed to stderr nor into the --json stopped event', async () => {
    const result = await runInProcess(['--journey', `${sandbox.root}/journey`, '--set', 'VAULT_CODE=hunter2-typed', '--json', '--yes', '--no-sync'], {
      cwd: sandbox.workspace,
      env: sandbox.env,
    });
    expect(result.exitCode).toBe(2);
    const stopped = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { event: string; message?: string }).find((e) => e.event === 'stopped');
    expect(stopped?.message).toContain('VAULT_CODE');
    expect(result.stdout).not.toContain('hunter2-typed');
    expect(result.stderr).not.toContain('hunter2-typed');
  });
});
