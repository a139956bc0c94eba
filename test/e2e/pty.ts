import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawn as spawnPty, type IPty } from '@lydell/node-pty';
import xterm from '@xterm/headless';
import { afterEach, beforeEach } from 'vitest';

export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const binPath = join(repoRoot, 'bin', 'hero-journey.js');

/** A private HOME/XDG/KUBECONFIG for one test, so nothing touches the developer's own files. */
export interface Sandbox {
  root: string;
  home: string;
  workspace: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function makeSandbox(): Promise<Sandbox> {
  const root = await mkdtemp(join(tmpdir(), 'hj-e2e-'));
  const home = join(root, 'home');
  const workspace = join(root, 'workspace');
  await mkdir(home, { recursive: true });
  await mkdir(workspace, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_STATE_HOME: join(home, '.local', 'state'),
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    KUBECONFIG: join(home, '.kube', 'config'),
    LANG: 'C.UTF-8',
    TERM: 'xterm-256color',
  };
  return { root, home, workspace, env, cleanup: () => rm(root, { recursive: true, force: true }) };
}

/** A journey `id` of one chapter, `only`, in a new folder under `root`; returns the folder. */
export async function writeOneChapterJourney(root: string, id: string, chapter: string[]): Promise<string> {
  const journey = join(root, id);
  await mkdir(journey, { recursive: true });
  await writeFile(join(journey, 'journey.yaml'), `id: ${id}\ntitle: ${id}\nstart: only\n`);
  await writeFile(join(journey, 'only.md'), chapter.join('\n'));
  return journey;
}

/** The built CLI running in a real pseudo-terminal, with the screen read back through a headless xterm. */
export class TerminalSession {
  readonly pty: IPty;
  readonly term: InstanceType<typeof xterm.Terminal>;
  private raw = '';
  private exited: Promise<number>;

  constructor(args: string[], options: { cwd: string; env: Record<string, string>; cols?: number; rows?: number }) {
    const cols = options.cols ?? 100;
    const rows = options.rows ?? 40;
    this.term = new xterm.Terminal({ cols, rows, scrollback: 5000, allowProposedApi: true });
    this.pty = spawnPty(process.execPath, [binPath, ...args], { name: 'xterm-256color', cols, rows, cwd: options.cwd, env: options.env });
    this.pty.onData((data) => {
      this.raw += data;
      this.term.write(data);
    });
    this.exited = new Promise((resolveExit) => this.pty.onExit(({ exitCode }) => resolveExit(exitCode)));
  }

  /** Everything the terminal shows, scrollback included, as plain text. */
  async screen(): Promise<string> {
    await new Promise<void>((r) => this.term.write('', r));
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n').replace(/\n+$/, '');
  }

  /** The rows the terminal shows right now (no scrollback), as plain text. */
  async viewport(): Promise<string> {
    await new Promise<void>((r) => this.term.write('', r));
    const buffer = this.term.buffer.active;
    const lines: string[] = [];
    for (let i = buffer.viewportY; i < buffer.viewportY + this.term.rows; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  }

  /** Wait until the screen matches; fails with the screen's content when it does not in time. */
  async waitFor(pattern: RegExp | string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = await this.screen();
      if (typeof pattern === 'string' ? text.includes(pattern) : pattern.test(text)) return text;
      if (Date.now() > deadline) throw new Error(`screen never showed ${String(pattern)}; it shows:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Type keys: text, or named keys such as 'enter', 'down', 'ctrl-c'. */
  press(...keys: string[]): void {
    const named: Record<string, string> = { enter: '\r', down: '\u001b[B', up: '\u001b[A', 'ctrl-c': '\u0003', tab: '\t', backspace: '\u007f' };
    for (const key of keys) this.pty.write(named[key] ?? key);
  }

  /** Raw bytes received, for checks on escape codes. */
  rawOutput(): string {
    return this.raw;
  }

  async exitCode(timeoutMs = 15_000): Promise<number> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(async () => reject(new Error(`process did not exit; screen:\n${await this.screen()}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal = 'SIGKILL'): void {
    try {
      this.pty.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/**
 * A fresh sandbox for each test of the file that calls this, and terminal sessions in it that
 * are killed after the test.
 */
export function sandboxEachTest(): { sandbox: () => Sandbox; open: (args: string[], options?: { env?: Record<string, string>; cols?: number; rows?: number }) => TerminalSession } {
  let sandbox: Sandbox | undefined;
  let sessions: TerminalSession[] = [];
  beforeEach(async () => {
    sandbox = await makeSandbox();
  });
  afterEach(async () => {
    for (const s of sessions) s.kill();
    sessions = [];
    await sandbox?.cleanup();
  });
  const current = () => {
    if (!sandbox) throw new Error('no sandbox outside a test');
    return sandbox;
  };
  return {
    sandbox: current,
    open(args, options = {}) {
      const box = current();
      const session = new TerminalSession(args, { cwd: box.workspace, env: { ...box.env, ...options.env }, ...(options.cols ? { cols: options.cols } : {}), ...(options.rows ? { rows: options.rows } : {}) });
      sessions.push(session);
      return session;
    },
  };
}
