// The check gate of `hero-journey play` in a real pseudo-terminal: the countdown line while a
// check waits, then check again / show the hints / skip with confirmation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type IPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { afterAll, beforeEach, expect, it } from 'vitest';
import { uniqueName } from '../helpers.ts';
import { admin, cli, cluster, fixtures, ok } from './support.ts';

const journey = join(fixtures, 'journey');
const sandbox = cluster.sandbox();
afterAll(() => sandbox.cleanup());

interface Session {
  pty: IPty;
  screen(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<void>;
  exited: Promise<number>;
}

function play(workspace: string, namespace: string): Session {
  const term = new xterm.Terminal({ cols: 100, rows: 200, allowProposedApi: true });
  const pty = spawn(process.execPath, [join(fixtures, 'cli.ts'), '--journey', journey, '--trust', '--set', `NAMESPACE=${namespace}`], {
    cols: 100,
    rows: 200,
    cwd: workspace,
    // No progress mirror in the cluster: each test starts fresh in its own workspace.
    env: { ...sandbox.env, TERM: 'xterm-256color', NO_COLOR: '1', HERO_JOURNEY_SYNC: '0' } as Record<string, string>,
  });
  pty.onData((data) => term.write(data));
  const screen = () => {
    const buffer = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const waitFor = (pattern: RegExp, ms = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const started = Date.now();
      const timer = setInterval(() => {
        if (pattern.test(screen())) {
          clearInterval(timer);
          resolve();
        } else if (Date.now() - started > ms) {
          clearInterval(timer);
          reject(new Error(`no ${pattern} on the screen:\n${screen()}`));
        }
      }, 25);
    });
  const exited = new Promise<number>((resolve) => pty.onExit(({ exitCode }) => resolve(exitCode)));
  return { pty, screen, waitFor, exited };
}

let ns: string;
let workspace: string;
// Each test plays from the start in a namespace of its own (the first step creates a ConfigMap there).
beforeEach(async () => {
  ns = uniqueName('pty-checks');
  await ok(admin, 'kubectl', ['create', 'namespace', ns]);
});

it('shows a countdown while waiting, then checks again after the learner fixed it', async () => {
  workspace = mkdtempSync(join(tmpdir(), 'hj-pty-'));
  try {
    const session = play(workspace, ns);
    await session.waitFor(/Run this step\?/);
    session.pty.write('\r');
    // The countdown line, redrawn in place while the villain check waits.
    await session.waitFor(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 0:0\d · The villain has arrived · ConfigMap villain in namespace \S+ does not exist/);
    await session.waitFor(/The checks did not pass\. What now\?/);
    expect(session.screen()).toContain('Expected: ConfigMap villain in namespace');
    expect(session.screen()).not.toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] 0:0\d ·/);
    await ok(admin, 'kubectl', ['create', 'configmap', 'villain', '-n', ns]);
    session.pty.write('\r');
    await session.waitFor(/The villain has arrived: ConfigMap \S+\/villain is as expected/);
    expect(await session.exited).toBe(0);
    const status = await cli(sandbox, ['status', '--journey', journey, '--json'], {}, workspace);
    expect(JSON.parse(status.stdout).progress.checks).toMatchObject({ deploy: { status: 'passed' }, finale: { status: 'passed' } });
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});

it('shows the hints, and skips only after confirmation; status shows the skip', async () => {
  workspace = mkdtempSync(join(tmpdir(), 'hj-pty-'));
  try {
    const session = play(workspace, ns);
    await session.waitFor(/Run this step\?/);
    session.pty.write('\r');
    await session.waitFor(/The checks did not pass\. What now\?/);
    session.pty.write('h'); // Show the hints
    await session.waitFor(/What to try[\s\S]*Try: create it with `kubectl create configmap villain -n/);
    await session.waitFor(/What now\?[\s\S]*What now\?/);
    session.pty.write('s'); // Skip the checks
    await session.waitFor(/Go on without proof that this chapter worked\?/);
    session.pty.write('n\r');
    await session.waitFor(/What now\?[\s\S]*What now\?[\s\S]*What now\?/);
    session.pty.write('s'); // Skip the checks
    await session.waitFor(/Go on without proof[\s\S]*Go on without proof/);
    session.pty.write('y\r');
    expect(await session.exited).toBe(0);
    const status = await cli(sandbox, ['status', '--journey', journey], {}, workspace);
    expect(status.stdout).toContain('Face the villain: skipped (1 check: 1 failed)');
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
});
