// Variables from outside the journey's own code (--set, an --answers file, a progress file, a
// progress mirror) become the environment of the learner's steps. Names that change how bash, the
// loader or kubectl behave must never get there.
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adoptionPlan, type ProgressMirror } from '../../src/classroom/mirror.ts';
import { parseCli } from '../../src/cli/parse.ts';
import { UserError } from '../../src/errors.ts';
import { lintJourney } from '../../src/journey/lint.ts';
import { loadJourney } from '../../src/journey/load.ts';
import { newProgress, type Progress } from '../../src/state/progress.ts';
import { progressPath } from '../../src/state/store.ts';
import { stepVariables, variableNameRefusal } from '../../src/state/variables.ts';
import { makeSandbox, type Sandbox } from '../e2e/pty.ts';
import { runInProcess, writeFiles } from './support.ts';

const HOSTILE = ['BASH_ENV', 'ENV', 'BASH_FUNC_kubectl%%', 'BASH_FUNC_kubectl()', 'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'PS4', 'IFS', 'LD_PRELOAD', 'LD_LIBRARY_PATH', 'DYLD_INSERT_LIBRARIES', 'PATH', 'HOME', 'KUBECONFIG', 'KUBERC', 'KUBECTL_EXTERNAL_DIFF', 'HELM_PLUGINS', 'GIT_SSH_COMMAND', 'NODE_OPTIONS', 'PYTHONSTARTUP', 'GLIBC_TUNABLES', 'HTTPS_PROXY', 'SSL_CERT_FILE', 'HERO_JOURNEY_TRUST_CHECKS', '1X', 'A-B', 'A B', ''];

describe('the deny rule', () => {
  it.each(HOSTILE)('refuses %j', (name) => {
    expect(variableNameRefusal(name)).toBeDefined();
    expect(stepVariables({ [name]: 'x', DOMAIN: 'hero.example.com' })).toEqual({ DOMAIN: 'hero.example.com' });
  });

  it.each(['DOMAIN', 'NAMESPACE', 'AWS_REGION', 'CONTAINER_CLI', 'IMAGE', 'REGISTRY_USER', 'HARBOR_HOST', '_PRIVATE'])('allows %s', (name) => {
    expect(variableNameRefusal(name)).toBeUndefined();
  });

  it.each(['BASH_ENV', 'PATH', 'LD_PRELOAD', 'KUBECONFIG', 'BASH_FUNC_kubectl%%'])('--set %s=... is a usage error that names it', (name) => {
    let error: unknown;
    try {
      parseCli(['--set', `${name}=/tmp/evil`]);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).exitCode).toBe(2);
    expect((error as UserError).message).toContain(`--set ${name}=...: ${name} is refused`);
  });
});

describe('a journey that plays with hostile variables', () => {
  let sandbox: Sandbox;
  let journey: string;
  let pwned: string;
  beforeEach(async () => {
    sandbox = await makeSandbox();
    journey = join(sandbox.root, 'journey');
    pwned = join(sandbox.root, 'pwned');
    const evilBin = join(sandbox.root, 'evil-bin');
    mkdirSync(evilBin);
    writeFileSync(join(evilBin, 'kubectl'), `#!/bin/sh\ntouch ${pwned}\n`);
    chmodSync(join(evilBin, 'kubectl'), 0o755);
    writeFileSync(join(sandbox.root, 'evil.sh'), `touch ${pwned}\n`);
    await writeFiles(sandbox.root, {
      'journey/journey.yaml': 'id: env-test\ntitle: Environment\nstart: one\n',
      'journey/one.md': `---\ntitle: One\nnext: two\n---\n\n# One\n\n\`\`\`sh\nexport HERO_MARK=1\nexport PATH="${evilBin}:$PATH"\n\`\`\`\n`,
      'journey/two.md': '---\ntitle: Two\n---\n\n# Two\n\n```sh\necho "mark=$HERO_MARK bash_env=${BASH_ENV:-unset}"\ncommand -v kubectl >/dev/null && kubectl version --client >/dev/null 2>&1 || true\n```\n',
    });
  });
  afterEach(() => sandbox.cleanup());

  const play = (args: string[] = []) => runInProcess(['--journey', journey, '--yes', '--no-sync', ...args], { cwd: sandbox.workspace, env: sandbox.env });

  it('an --answers file naming PATH or BASH_ENV is refused before anything runs', async () => {
    const answers = join(sandbox.root, 'answers.yaml');
    writeFileSync(answers, `inputs:\n  BASH_ENV: ${sandbox.root}/evil.sh\n`);
    const result = await play(['--answers', answers]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('inputs: BASH_ENV is refused');
    expect(existsSync(pwned)).toBe(false);
  });

  it('a step that exports PATH does not hand it to later steps, nor to the saved progress', async () => {
    const result = await play();
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Not carried to later steps');
    expect(result.stdout).toContain('mark=1 bash_env=unset');
    const progress = JSON.parse(readFileSync(progressPath('env-test', sandbox.workspace, sandbox.env), 'utf8')) as Progress;
    expect(Object.keys(progress.vars)).toEqual(['HERO_MARK']);
    expect(existsSync(pwned)).toBe(false);
  });

  it('a progress file with BASH_ENV or BASH_FUNC_ variables does not put them into a step', async () => {
    const progress = newProgress('env-test', sandbox.workspace);
    progress.current = 'two';
    progress.history = [{ chapter: 'one', at: progress.startedAt, outcome: 'completed' }, { chapter: 'two', at: progress.startedAt }];
    const v = (value: string) => ({ value, source: 'capture' as const, secret: false, at: progress.startedAt });
    progress.vars = { HERO_MARK: v('2'), BASH_ENV: v(`${sandbox.root}/evil.sh`), 'BASH_FUNC_kubectl%%': v(`() { touch ${pwned}; }`), PATH: v(join(sandbox.root, 'evil-bin')) };
    const file = progressPath('env-test', sandbox.workspace, sandbox.env);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, JSON.stringify(progress), { mode: 0o600 });
    const result = await play();
    expect(result.stdout).toContain('mark=2 bash_env=unset');
    expect(existsSync(pwned)).toBe(false);
  });

  it('a mirror adopts only the variables the journey declares or exports', async () => {
    const loaded = await loadJourney(journey);
    const mirror = { vars: { HERO_MARK: '1', PATH: '/evil', BASH_ENV: '/evil.sh', OTHER: 'x' } } as unknown as ProgressMirror;
    const plan = adoptionPlan(loaded, mirror);
    expect(plan.vars).toEqual({ HERO_MARK: '1' });
    expect(plan.refused.map((r) => r.name).sort()).toEqual(['BASH_ENV', 'OTHER', 'PATH']);
  });

  it('lint says that an input named PATH never reaches a step, and that an exported PATH is not carried on', async () => {
    await writeFiles(journey, { 'three.md': '---\ntitle: Three\ninputs:\n  - name: KUBECONFIG\n    prompt: Which kubeconfig?\n---\n\n# Three\n' });
    const { problems } = await lintJourney(journey, { shellcheck: false });
    const messages = problems.map((p) => `${p.severity} ${p.loc.file.split('/').pop()}:${p.loc.line} ${p.message}`);
    expect(messages).toContainEqual(expect.stringMatching(/^error three\.md:4 input `KUBECONFIG` is never passed to steps/));
    expect(messages).toContainEqual(expect.stringMatching(/^warning one\.md:\d+ the step exports PATH, which later steps do not get/));
  });
});
