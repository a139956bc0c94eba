// The live vote end to end on loopback: the presenter's play in a real pseudo-terminal (join URL,
// QR code, live bars, keys to extend, close, overrule and break a tie), votes cast over HTTP, and
// two attendees whose plays follow the room, one of them behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { binPath, repoRoot, sandboxEachTest, type Sandbox, type TerminalSession } from './pty.ts';

const show = join(repoRoot, 'test', 'fixtures', 'journeys', 'show');

const { sandbox: current, open } = sandboxEachTest();
let sandbox: Sandbox;
let children: ChildProcess[] = [];
beforeEach(() => {
  sandbox = current();
});
afterEach(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children = [];
});

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function presenter(args: string[] = []): TerminalSession {
  return open(['--journey', show, '--no-sync', '--vote', '0', ...args], { cols: 100, rows: 50 });
}

/** Cast a vote as a new voter (no cookie); returns the HTTP status. */
async function vote(url: string, option: string, code = new URL(url).searchParams.get('code')!): Promise<number> {
  const response = await fetch(new URL('/vote', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ option, code }) });
  return response.status;
}

async function savedProgress(home: string): Promise<{ choices: Record<string, { choice: string; audience?: { votes: Record<string, number>; total: number; decidedBy: string } }>; finished: boolean }> {
  const dir = join(home, '.local', 'state', 'hero-journey', 'show');
  const file = (await readdir(dir)).find((f) => f.endsWith('.json') && !f.endsWith('.room.json'))!;
  return JSON.parse(await readFile(join(dir, file), 'utf8'));
}

/** Wait until the screen shows `text`, however the terminal wrapped it. */
async function waitForText(t: TerminalSession, text: string): Promise<void> {
  const words = text.split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  await t.waitFor(new RegExp(words.join('\\s+')));
}

/** Play the opening chapter's one step, then wait for the first poll; returns the join URL. */
async function openFirstPoll(t: TerminalSession): Promise<string> {
  await t.waitFor(/Say hello[\s\S]*Run this step\?/);
  t.press('enter');
  const screen = await t.waitFor(/Live vote: How does Hero get built\?\nJoin: (http:\/\/127\.0\.0\.1:\d+\/\?code=\w+)/);
  return /Join: (http:\/\/127\.0\.0\.1:\d+\/\?code=\w+)/.exec(screen)![1]!;
}

describe("the presenter's terminal", () => {
  test('shows the join URL, a QR code and live bars; + extends, Enter closes, a number overrules, a tie waits for the presenter', async () => {
    const t = presenter();
    const url = await openFirstPoll(t);
    const screen = await t.waitFor('Enter close now · + 30 s more · 1-2 overrule');
    // A QR code in block characters, the options with their keys, the disabled one with its reason.
    expect(screen).toMatch(/[█▀▄]{20,}/);
    expect(screen).toMatch(/ {2}1 {2}A Dockerfile +░+ +0\n/);
    expect(screen).toMatch(/ {2}2 {2}Cloud Native Buildpacks +░+ +0\n/);
    expect(screen).toContain('  -  Nix (not available: Hero is not packaged with Nix yet.)');
    expect(screen).toContain('0 votes · open until you close it');

    expect(await vote(url, 'buildpacks')).toBe(200);
    expect(await vote(url, 'buildpacks')).toBe(200);
    expect(await vote(url, 'docker')).toBe(200);
    expect(await vote(url, 'nix')).toBe(422);
    expect(await vote(url, 'docker', 'wrong0')).toBe(403);
    await t.waitFor(/ {2}2 {2}Cloud Native Buildpacks +█+ +2\n/);
    await t.waitFor(/ {2}1 {2}A Dockerfile +█+░+ +1\n/);
    t.press('+');
    await t.waitFor(/3 votes · 0:(30|29|28|27|26|25) left/);
    t.press('enter');
    await waitForText(t, 'How does Hero get built?: Cloud Native Buildpacks (chosen by the audience: 2 of 3)');
    await t.waitFor(/built with buildpacks[\s\S]*Run this step\?/);
    t.press('enter');

    // The second vote: the presenter overrules the audience and takes the dead end.
    await t.waitFor(/Live vote: How does Hero get deployed\?[\s\S]*Enter close now · \+ 30 s more · 1-3 overrule/);
    expect(await vote(url, 'helm')).toBe(200);
    await t.waitFor(/1 {2}A Helm chart +█+ +1\n/);
    t.press('3');
    await waitForText(t, "How does Hero get deployed?: FTP to the server (chosen by the presenter, overruling the audience (0 of 1 voted for it))");
    await t.waitFor(/Dead end[\s\S]*There is no FTP server[\s\S]*Back to ".*" to pick another option/);
    t.press('enter'); // the notice stays until a key
    // Back at the choice point: a new poll, nobody votes, Enter makes a tie the presenter breaks.
    await t.waitFor(/Dead end[\s\S]*Live vote: How does Hero get deployed\?[\s\S]*0 votes · open until you close it/);
    t.press('enter');
    await t.waitFor('A tie: press the number of the option to take (3 tied)');
    t.press('2');
    await waitForText(t, "How does Hero get deployed?: Kustomize (a tie in the audience's vote, broken by the presenter: 0 of 0)");
    await t.waitFor(/deployed with kustomize[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);

    const saved = await savedProgress(sandbox.home);
    expect(saved.choices.build).toMatchObject({ choice: 'buildpacks', audience: { votes: { docker: 1, buildpacks: 2, nix: 0 }, total: 3, decidedBy: 'audience' } });
    expect(saved.choices.deploy).toMatchObject({ choice: 'kustomize', audience: { total: 0, decidedBy: 'tie-break' } });
    const status = await runBin(['status', '--journey', show], { cwd: sandbox.workspace, env: sandbox.env });
    expect(status.stdout).toContain('How does Hero get built?: Cloud Native Buildpacks  (chosen by the audience: 2 of 3,');
    const map = await runBin(['map', '--journey', show, '--format', 'mermaid'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(map.stdout).toContain('🗳️ Cloud Native Buildpacks · 2 of 3');
  });

  test('Ctrl-C during a vote stops quietly with progress saved; the server is gone', async () => {
    const t = presenter();
    const url = await openFirstPoll(t);
    await t.waitFor('Enter close now');
    t.press('ctrl-c');
    expect(await t.exitCode()).toBe(0);
    expect(await t.screen()).toMatch(/progress is saved/i);
    await expect(fetch(new URL('/poll', url))).rejects.toThrow();
  });

  test('--choose answers a choice point up front: it is not polled', async () => {
    const t = presenter(['--choose', 'build=docker']);
    await t.waitFor(/Say hello[\s\S]*Run this step\?/);
    t.press('enter');
    await waitForText(t, 'How does Hero get built?: A Dockerfile (from --choose)');
    await t.waitFor(/built with docker[\s\S]*Run this step\?/);
    t.press('enter');
    const screen = await t.waitFor(/Live vote: How does Hero get deployed\?/);
    expect(screen).not.toContain('Live vote: How does Hero get built?');
    t.press('ctrl-c');
    await t.exitCode();
  });
});

describe('without a terminal', () => {
  test('--vote needs --vote-seconds; a busy port is a clear error', async () => {
    const missing = await runBin(['--journey', show, '--no-sync', '--yes', '--vote'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toContain('--vote without a terminal needs --vote-seconds N');
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (busy.address() as AddressInfo).port;
      const taken = await runBin(['--journey', show, '--no-sync', '--yes', '--vote', String(port), '--vote-seconds', '5'], { cwd: sandbox.workspace, env: sandbox.env });
      expect(taken.exitCode).toBe(2);
      expect(taken.stderr).toContain(`cannot start the vote on 127.0.0.1:${port}: the port is in use`);
      expect(taken.stderr).not.toMatch(/hit a bug|at .*\.js:\d+/);
    } finally {
      busy.close();
    }
  });
});

describe('--dry-run', () => {
  test('votes still open and close, but nothing is written: no progress, no path file', async () => {
    const result = await runBin(['--journey', show, '--no-sync', '--dry-run', '--json', '--vote', '0', '--vote-seconds', '1'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(0);
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'poll-closed').map((e) => e.winner)).toEqual(['docker', 'helm']);
    expect(result.stderr).toContain('a dry run writes no file');
    const state = join(sandbox.home, '.local', 'state', 'hero-journey', 'show');
    expect(await readdir(state).catch(() => [])).toEqual([]);
  });
});

describe('--json', () => {
  test('poll-open (with the URL), poll-update and poll-closed events; a tie without a terminal goes to the first option', async () => {
    const child = spawn(process.execPath, [binPath, '--journey', show, '--no-sync', '--yes', '--json', '--vote', '0', '--vote-seconds', '5'], { cwd: sandbox.workspace, env: sandbox.env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    const events: Array<Record<string, unknown>> = [];
    let buffer = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      buffer += d;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) if (line.trim()) events.push(JSON.parse(line));
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await expect.poll(() => events.find((e) => e.event === 'poll-open'), { timeout: 20_000 }).toBeTruthy();
    const open = events.find((e) => e.event === 'poll-open')!;
    expect(open).toMatchObject({ chapter: 'build', poll: 1, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/\?code=\w+$/) });
    expect(open.options).toEqual([
      { id: 'docker', label: 'A Dockerfile', disabled: false },
      { id: 'buildpacks', label: 'Cloud Native Buildpacks', disabled: false },
      { id: 'nix', label: 'Nix', disabled: true, because: 'Hero is not packaged with Nix yet.' },
    ]);
    // The vote counts if it arrives before the poll closes by itself; either way the events say what happened.
    const status = await vote(String(open.url), 'buildpacks');
    expect(await exited).toBe(0);
    const closed = events.filter((e) => e.event === 'poll-closed');
    if (status === 200) {
      expect(events).toContainEqual({ event: 'poll-update', chapter: 'build', poll: 1, votes: { docker: 0, buildpacks: 1, nix: 0 }, total: 1 });
      expect(closed[0]).toMatchObject({ chapter: 'build', winner: 'buildpacks', total: 1, decidedBy: 'audience' });
    } else {
      expect(status).toBe(409);
      expect(closed[0]).toMatchObject({ chapter: 'build', winner: 'docker', total: 0, decidedBy: 'tie-break' });
    }
    // Nobody votes on the second: a tie, and without a terminal the chapter's first option takes it.
    expect(closed[1]).toMatchObject({ chapter: 'deploy', poll: 2, winner: 'helm', votes: { helm: 0, kustomize: 0, ftp: 0 }, total: 0, decidedBy: 'tie-break' });
    expect(events.filter((e) => e.event === 'choice').map((e) => e.source)).toEqual(['audience', 'audience']);
    expect(events.at(-1)).toEqual({ event: 'end', journey: 'show' });
  });
});

describe('the room follows', () => {
  test('a presenter and two attendees: one waits at the choice point, one arrives late and gets the winner; after a dead end both wait for the new vote', async () => {
    const t = presenter();
    const url = await openFirstPoll(t);
    await t.waitFor('Enter close now');

    const attendee = async (name: string) => {
      const home = join(sandbox.root, name);
      const workspace = join(home, 'work');
      await mkdir(workspace, { recursive: true });
      const env = { ...sandbox.env, HOME: home, XDG_STATE_HOME: join(home, '.local', 'state'), XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') };
      const child = spawn(process.execPath, [binPath, '--journey', show, '--no-sync', '--yes', '--json', '--follow', url], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      const out = { events: [] as Array<Record<string, unknown>>, stderr: '', home };
      let buffer = '';
      child.stdout!.setEncoding('utf8').on('data', (d: string) => {
        buffer += d;
        const lines = buffer.split('\n');
        buffer = lines.pop()!;
        for (const line of lines) if (line.trim()) out.events.push(JSON.parse(line));
      });
      child.stderr!.setEncoding('utf8').on('data', (d: string) => (out.stderr += d));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { ...out, get events() { return out.events; }, get stderr() { return out.stderr; }, exited };
    };
    const choices = (a: { events: Array<Record<string, unknown>> }) => a.events.filter((e) => e.event === 'choice').map((e) => `${e.chapter}=${e.choice} (${e.source})`);

    // Ann is at the first choice point while the room votes: she waits.
    const ann = await attendee('ann');
    await expect.poll(() => ann.stderr, { timeout: 20_000 }).toContain("How does Hero get built?: waiting for the room's vote");
    expect(await vote(url, 'docker')).toBe(200);
    await t.waitFor(/1 {2}A Dockerfile +█+ +1\n/);
    t.press('enter');
    await waitForText(t, 'How does Hero get built?: A Dockerfile (chosen by the audience: 1 of 1)');
    await expect.poll(() => choices(ann), { timeout: 20_000 }).toEqual(['build=docker (room)']);
    expect(ann.stderr).toContain('the room chose A Dockerfile (1 of 1 votes)');

    await t.waitFor(/built with docker[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor(/Live vote: How does Hero get deployed\?[\s\S]*Enter close now/);
    // Bob starts late: the first choice is taken from the room's path at once, then he waits with Ann.
    const bob = await attendee('bob');
    await expect.poll(() => choices(bob), { timeout: 20_000 }).toEqual(['build=docker (room)']);
    await expect.poll(() => bob.stderr, { timeout: 20_000 }).toContain("How does Hero get deployed?: waiting for the room's vote");
    await expect.poll(() => ann.stderr, { timeout: 20_000 }).toContain("How does Hero get deployed?: waiting for the room's vote");
    // The presenter overrules the room into a dead end: everyone comes back, and the room votes again.
    t.press('3');
    await t.waitFor('A dead end.');
    t.press('enter');
    await t.waitFor(/Live vote: How does Hero get deployed\?[\s\S]*Live vote: How does Hero get deployed\?[\s\S]*Enter close now/);
    for (const a of [ann, bob]) {
      await expect.poll(() => choices(a), { timeout: 20_000 }).toEqual(['build=docker (room)', 'deploy=ftp (room)']);
      await expect.poll(() => a.events.some((e) => e.event === 'dead-end'), { timeout: 20_000 }).toBe(true);
    }
    expect(await vote(url, 'kustomize')).toBe(200);
    expect(await vote(url, 'kustomize')).toBe(200);
    await t.waitFor(/2 {2}Kustomize +█+ +2\n/);
    t.press('enter');
    await t.waitFor(/deployed with kustomize[\s\S]*Run this step\?/);
    t.press('enter');
    await t.waitFor('The end of this journey');
    expect(await t.exitCode()).toBe(0);

    for (const a of [ann, bob]) {
      expect(await a.exited).toBe(0);
      expect(choices(a)).toEqual(['build=docker (room)', 'deploy=ftp (room)', 'deploy=kustomize (room)']);
      expect(a.events.at(-1)).toEqual({ event: 'end', journey: 'show' });
      const saved = await savedProgress(a.home);
      expect(saved.choices.deploy).toMatchObject({ choice: 'kustomize', audience: { votes: { helm: 0, kustomize: 2, ftp: 0 }, total: 2, decidedBy: 'audience' } });
    }
  });

  test('an unreachable presenter is said so, and the attendee chooses', async () => {
    const closed = await closedPort();
    const follower = open(['--journey', show, '--no-sync', '--follow', `http://127.0.0.1:${closed}/`]);
    await follower.waitFor(/Say hello[\s\S]*Run this step\?/);
    follower.press('enter');
    await waitForText(follower, `The presenter at http://127.0.0.1:${closed}/ does not answer (connection refused): choose yourself this time.`);
    await follower.waitFor('How does Hero get built?: what is your choice?');
    follower.press('ctrl-c');
    expect(await follower.exitCode()).toBe(0);
  });
});
