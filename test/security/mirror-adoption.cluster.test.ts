// A progress mirror is a ConfigMap anyone with write access to the cluster (or the namespace) can
// write. Played as an attacker: a mirror that sets BASH_ENV, BASH_FUNC_kubectl%%, LD_PRELOAD, PATH
// and KUBECONFIG, offered to a learner in a real pseudo-terminal, read from the real control plane.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mirrorConfigMap, type ProgressMirror } from '../../src/classroom/mirror.ts';
import { mirrorOrigin } from '../../src/classroom/play-sync.ts';
import type { Progress } from '../../src/state/progress.ts';
import { progressPath } from '../../src/state/store.ts';
import { getTestCluster } from '../cluster/testenv.ts';
import { TerminalSession } from '../e2e/pty.ts';
import { adminKubectl } from '../integration/classroom/class.ts';
import { uniqueName } from '../integration/helpers.ts';
import { writeFiles } from './support.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
const namespace = uniqueName('mirror');
const root = fs.mkdtempSync(path.join(sandbox.home, 'adopt-'));
const journeyDir = path.join(root, 'journey');
const env = { ...sandbox.env, XDG_STATE_HOME: path.join(sandbox.home, '.local', 'state'), TERM: 'xterm-256color' } as Record<string, string>;
const pwned = path.join(root, 'pwned');

/** A mirror as another machine would write it, with the attacker's variables added. */
function hostileMirror(origin: ProgressMirror['origin'], updatedAt = new Date().toISOString()): ProgressMirror {
  return {
    schemaVersion: 1,
    journeyId: 'adopt',
    startedAt: updatedAt,
    updatedAt,
    current: 'vault',
    finished: false,
    choices: {},
    steps: { 'gate#step-1': { status: 'done', at: updatedAt } },
    checks: {},
    history: [
      { chapter: 'gate', at: updatedAt, outcome: 'completed' },
      { chapter: 'vault', at: updatedAt },
    ],
    vars: {
      HERO_NAME: 'Ada',
      HERO_HOME: '/srv/hero',
      BASH_ENV: `${root}/evil.sh`,
      ENV: `${root}/evil.sh`,
      'BASH_FUNC_kubectl%%': `() { touch ${pwned}; }`,
      LD_PRELOAD: `${root}/evil.so`,
      PATH: root,
      KUBECONFIG: `${root}/attacker.kubeconfig`,
      PROMPT_COMMAND: `touch ${pwned}`,
      UNDECLARED: 'x',
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`JUNK_${i}`, 'x'])),
    },
    withheld: ['VAULT_KEY'],
    ...(origin ? { origin } : {}),
  };
}

async function putMirror(mirror: ProgressMirror): Promise<void> {
  await adminKubectl(cluster, ['apply', '-f', '-'], JSON.stringify(mirrorConfigMap(mirror, namespace)));
}

function play(workspace: string, args: string[] = []): TerminalSession {
  fs.mkdirSync(workspace, { recursive: true });
  return new TerminalSession(['--journey', journeyDir, ...args], { cwd: workspace, env, cols: 120 });
}

function progressOf(workspace: string): Progress | undefined {
  const file = progressPath('adopt', workspace, env);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Progress) : undefined;
}

beforeAll(async () => {
  await writeFiles(root, {
    'journey/journey.yaml': 'id: adopt\ntitle: Adoption\nstart: gate\n',
    'journey/gate.md': "---\ntitle: The gate\ninputs:\n  - name: HERO_NAME\n    prompt: Hero's name\nnext: vault\n---\n\n# The gate\n\n```sh\nexport HERO_HOME=/srv/hero\n```\n",
    'journey/vault.md': '---\ntitle: The vault\ninputs:\n  - name: VAULT_KEY\n    prompt: The vault key\n    secret: true\nnext: end\n---\n\n# The vault\n\n```sh\nkubectl version --client >/dev/null; echo "vault of $HERO_NAME"\n```\n',
    'journey/end.md': '---\ntitle: The end\n---\n\n# The end\n\nDone.\n',
    'evil.sh': `touch ${pwned}\n`,
  });
  fs.mkdirSync(path.join(env.XDG_CONFIG_HOME!, 'hero-journey'), { recursive: true });
  fs.writeFileSync(path.join(env.XDG_CONFIG_HOME!, 'hero-journey', 'config.yaml'), `syncNamespace: ${namespace}\n`);
  await adminKubectl(cluster, ['create', 'namespace', namespace]);
});

afterAll(async () => {
  await adminKubectl(cluster, ['delete', 'namespace', namespace, '--wait=false']).catch(() => {});
  sandbox.cleanup();
});

describe('continuing from a progress mirror', () => {
  it('shows what it would take and what it leaves out, and Enter means no', async () => {
    await putMirror(hostileMirror({ machine: 'another-machine', workspace: 'another-workspace' }));
    const workspace = path.join(root, 'ws-no');
    const t = play(workspace);
    try {
      const screen = await t.waitFor(/Continue from there\?.*\(y\/N\)/);
      expect(screen).toContain('From another machine');
      expect(screen).toMatch(/HERO_NAME = Ada/);
      expect(screen).toMatch(/HERO_HOME = \/srv\/hero/);
      expect(screen).toContain('Asked again (secret, kept on the other machine): VAULT_KEY');
      expect(screen).toContain('BASH_ENV, ENV, KUBECONFIG, LD_PRELOAD, PATH, PROMPT_COMMAND: it changes how the shell');
      expect(screen).toContain('BASH_FUNC_kubectl%%: it is not a shell variable name');
      // Thirty-one undeclared names: twenty are listed, then how many more.
      expect(screen.replace(/[│\s]+/g, ' ')).toContain('and 11 more: the journey neither asks for it nor sets it');
      t.press('enter');
      await t.waitFor("Hero's name");
      t.press('ctrl-c');
      await t.exitCode();
    } finally {
      t.kill();
    }
    expect(progressOf(workspace)?.vars ?? {}).toEqual({});
  });

  it('adopts only what the journey declares, asks for the secret again and never takes it empty', async () => {
    await putMirror(hostileMirror({ machine: 'another-machine', workspace: 'another-workspace' }));
    const workspace = path.join(root, 'ws-yes');
    const t = play(workspace);
    try {
      await t.waitFor(/Continue from there\?.*\(y\/N\)/);
      t.press('y', 'enter');
      await t.waitFor('The vault key');
      t.press('enter');
      await t.waitFor('VAULT_KEY cannot be empty');
      t.press('k3y-typed', 'enter');
      await t.waitFor('Continuing from your progress in the cluster');
      // The vault's step runs kubectl: with the mirror's BASH_FUNC_kubectl%% or BASH_ENV it would touch the file.
      await t.waitFor('Run it');
      t.press('enter');
      await t.waitFor('vault of Ada', 30_000);
      expect(await t.exitCode(30_000)).toBe(0);
    } finally {
      t.kill();
    }
    const progress = progressOf(workspace)!;
    expect(Object.keys(progress.vars).sort()).toEqual(['HERO_HOME', 'HERO_NAME', 'VAULT_KEY']);
    expect(progress.vars.VAULT_KEY).toMatchObject({ value: 'k3y-typed', secret: true });
    expect(fs.existsSync(pwned)).toBe(false);
  });

  it('is not offered when this machine wrote it, unless the learner names that workspace', async () => {
    const first = path.join(root, 'ws-first');
    fs.mkdirSync(first, { recursive: true });
    await putMirror(hostileMirror(await mirrorOrigin(first)));
    const t = play(path.join(root, 'ws-same-machine'));
    try {
      await t.waitFor("Hero's name");
      expect(await t.screen()).not.toContain('Continue from there');
      t.press('ctrl-c');
      await t.exitCode();
    } finally {
      t.kill();
    }
    const named = play(path.join(root, 'ws-named'), ['--continue-from', first]);
    try {
      const screen = await named.waitFor(/Continue from there\?.*\(y\/N\)/);
      expect(screen).toContain('From another workspace of this machine');
      named.press('ctrl-c');
      await named.exitCode();
    } finally {
      named.kill();
    }
  });

  it('is not offered right after reset here', async () => {
    const workspace = path.join(root, 'ws-reset');
    await putMirror(hostileMirror({ machine: 'another-machine', workspace: 'another-workspace' }));
    const t = play(workspace);
    try {
      await t.waitFor(/Continue from there\?/);
      t.press('enter');
      await t.waitFor("Hero's name");
      t.press('Bo', 'enter');
      await t.waitFor('Run it');
      t.press('ctrl-c');
      await t.exitCode();
    } finally {
      t.kill();
    }
    // Another machine's mirror, saved before the reset: it would be offered without the reset.
    await putMirror(hostileMirror({ machine: 'another-machine', workspace: 'another-workspace' }));
    const reset = new TerminalSession(['reset', '--yes', '--journey', journeyDir], { cwd: workspace, env });
    expect(await reset.exitCode()).toBe(0);
    const again = play(workspace);
    try {
      await again.waitFor("Hero's name");
      expect(await again.screen()).not.toContain('Continue from there');
      again.press('ctrl-c');
      await again.exitCode();
    } finally {
      again.kill();
    }
  });
});
