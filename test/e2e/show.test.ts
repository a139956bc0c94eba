import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

// `hero-journey show`: a chapter as a page without running anything, and --watch for authors.
let sandbox: Sandbox;
let journeyDir: string;
let sessions: TerminalSession[] = [];
beforeEach(async () => {
  sandbox = await makeSandbox();
  journeyDir = join(sandbox.root, 'quest');
  await cp(join(repoRoot, 'test', 'fixtures', 'journeys', 'quest'), journeyDir, { recursive: true });
});
afterEach(async () => {
  for (const s of sessions) s.kill();
  sessions = [];
  await sandbox.cleanup();
});

const show = (args: string[]) => runBin(['show', '--journey', journeyDir, ...args], { cwd: sandbox.workspace, env: sandbox.env });

test('shows the chapter you are on (the start, before you played), a named one, or one named by its file', async () => {
  const start = await show(['--no-color']);
  expect(start.exitCode, start.stderr).toBe(0);
  expect(start.stdout).toContain('The call to adventure');
  expect(start.stdout).toContain('Step 1 of 2 · Prepare a greeting');
  expect(start.stdout).toContain('Next: The fork in the road [path]');

  const byId = await show(['path', '--no-color']);
  expect(byId.stdout).toMatch(/1\) Through the forest/);
  expect(byId.stdout).toMatch(/Down the river \(unavailable: Only sea folk/);

  // Once played up to the fork, `show` alone shows the fork.
  const played = await runBin(['--journey', journeyDir, '--yes'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(played.stderr).toContain('--choose path=');
  expect((await show(['--no-color'])).stdout).toBe(byId.stdout);

  const byFile = await runBin(['show', join('quest', 'path', 'README.md'), '--journey', 'quest', '--no-color'], { cwd: sandbox.root, env: sandbox.env });
  expect(byFile.exitCode, byFile.stderr).toBe(0);
  expect(byFile.stdout).toBe(byId.stdout);
});

test('nothing runs and nothing is saved', async () => {
  await writeFile(join(journeyDir, 'start.md'), (await readFile(join(journeyDir, 'start.md'), 'utf8')).replace('echo "$GREETING"', 'touch ran-a-step'));
  const result = await show([]);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain('touch ran-a-step');
  const status = await runBin(['status', '--journey', journeyDir, '--json'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(JSON.parse(status.stdout)).toMatchObject({ fresh: true, progress: { history: [], steps: {} } });
  await expect(readFile(join(sandbox.workspace, 'ran-a-step'))).rejects.toThrow(/ENOENT/);
});

test('an unknown chapter is a usage error that suggests the closest id', async () => {
  const result = await show(['castle/gat']);
  expect(result.exitCode).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain('has no chapter "castle/gat"');
  expect(result.stderr).toContain('did you mean "hero-journey show castle/gate"?');
});

test('a name that ends two chapters\' ids suggests both', async () => {
  const result = await runBin(['show', 'cert-manager'], { cwd: sandbox.workspace, env: sandbox.env });
  expect(result.exitCode).toBe(2);
  expect(result.stderr).toContain('did you mean "hero-journey show https/cert-manager" or "hero-journey show setup/cert-manager"?');
});

test('hero-journey help and classroom --help print help and exit 0, with no error', async () => {
  for (const args of [['help'], ['help', 'classroom'], ['classroom', '--help']]) {
    const result = await runBin(args, { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode, args.join(' ')).toBe(0);
    expect(result.stdout).toContain('Usage: hero-journey');
    expect(result.stderr).toBe('');
  }
});

test('--watch redraws the page as the author edits, shows a broken file\'s error, and stops on Ctrl-C', async () => {
  const file = join(journeyDir, 'start.md');
  const original = await readFile(file, 'utf8');
  const t = new TerminalSession(['show', 'start', '--journey', journeyDir, '--watch'], { cwd: sandbox.workspace, env: sandbox.env });
  sessions.push(t);
  await t.waitFor(/Every journey starts with a name\.[\s\S]*Watching .* for changes/);

  // Same length, same second: the redraw must not come from a stale cache.
  await writeFile(file, original.replace('starts with a name.', 'starts with a song.'));
  await t.waitFor('Every journey starts with a song.');

  await writeFile(file, original.replace('title: The call to adventure\n', 'title: [unclosed\n'));
  await t.waitFor('This chapter cannot be shown');
  expect(await t.screen()).toContain('start.md');

  await writeFile(file, original.replace('# The call to adventure', '# The call to adventure\n\nA new paragraph, written while watching.'));
  await t.waitFor(/A new paragraph, written while watching\.[\s\S]*Watching/);

  // A narrower terminal gets the page drawn again at its width.
  t.pty.resize(70, 40);
  t.term.resize(70, 40);
  await t.waitFor(/^╭─ The Quest of Hero · Prologue ─{37}╮$/m);

  t.press('ctrl-c');
  expect(await t.exitCode()).toBe(0);
});
