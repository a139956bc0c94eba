import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { binPath, makeSandbox, repoRoot, TerminalSession, type Sandbox } from './pty.ts';

const template = join(repoRoot, 'templates', 'workspace');

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

/** Files under a folder, relative, with `/`, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

/** What a template file is called in the workspace (npm cannot pack `.gitignore`, so the template says `_gitignore`). */
const inWorkspace = (name: string): string => name.replace(/(^|\/)_gitignore$/, '$1.gitignore');

describe('hero-journey init', () => {
  test('copies the whole template into a new folder and says what to run next', async () => {
    const result = await runBin(['init', 'hero'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const expected = (await filesUnder(template)).map(inWorkspace).sort();
    expect(await filesUnder(join(sandbox.workspace, 'hero'))).toEqual(expected);
    for (const name of (await filesUnder(template)).slice(0, 5)) {
      expect(await readFile(join(sandbox.workspace, 'hero', inWorkspace(name)), 'utf8')).toBe(await readFile(join(template, name), 'utf8'));
    }
    expect(result.stdout).toContain(`Created Hero's workspace in hero: ${expected.length} files`);
    expect(result.stdout).toMatch(/Next:\n {2}cd hero && hero-journey\n/);
  });

  test('into the current folder by default', async () => {
    const result = await runBin(['init'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain("Created Hero's workspace in this folder");
    expect(result.stdout).toMatch(/Next:\n {2}hero-journey\n/);
    expect((await readdir(sandbox.workspace)).length).toBeGreaterThan(0);
  });

  test('run through npx, says to run the next command through npx too', async () => {
    const result = await runBin(['init', 'my hero'], { cwd: sandbox.workspace, env: { ...sandbox.env, npm_command: 'exec' } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Next:\n {2}cd 'my hero' && npx hero-journey\n/);
  });

  test('refuses to overwrite existing files, lists them, and writes nothing; --force overwrites', async () => {
    const [first] = await filesUnder(template);
    const clash = inWorkspace(first!);
    await mkdir(join(sandbox.workspace, clash, '..'), { recursive: true });
    await writeFile(join(sandbox.workspace, clash), 'mine\n');
    const before = await filesUnder(sandbox.workspace);

    const refused = await runBin(['init'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('1 file of the Hero workspace exists already');
    expect(refused.stderr).toContain(`  ${clash}\n`);
    expect(refused.stderr).toContain('--force');
    expect(await filesUnder(sandbox.workspace)).toEqual(before);
    expect(await readFile(join(sandbox.workspace, clash), 'utf8')).toBe('mine\n');

    const forced = await runBin(['init', '--force'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(forced.exitCode).toBe(0);
    expect(forced.stdout).toContain('(1 file overwritten)');
    expect(await readFile(join(sandbox.workspace, clash), 'utf8')).toBe(await readFile(join(template, first!), 'utf8'));
  });

  test('refuses a file as the target, and extra arguments', async () => {
    await writeFile(join(sandbox.workspace, 'afile'), '');
    const file = await runBin(['init', 'afile'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(file.exitCode).toBe(1);
    expect(file.stderr).toContain('is a file, not a folder');
    const extra = await runBin(['init', 'a', 'b'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(extra.exitCode).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "b"');
    expect((await stat(join(sandbox.workspace, 'a')).catch(() => undefined))?.isDirectory()).toBeFalsy();
  });

  test('is in the help', async () => {
    const help = await runBin(['--help'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(help.stdout).toMatch(/^ {2}init +create Hero's workspace/m);
    const own = await runBin(['init', '--help'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(own.stdout).toContain('Usage: hero-journey init [DIR] [options]');
    expect(own.stdout).toMatch(/--force +overwrite files that exist already/);
  });

  test('the package carries every file of the template', () => {
    // --ignore-scripts: prepack would rebuild dist/ under the other test files running from it.
    const listing = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error' } });
    const packed = (JSON.parse(listing) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).filter((p) => p.startsWith('templates/workspace/'));
    const files = execFileSync('git', ['ls-files', 'templates/workspace'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(Boolean);
    // npm leaves out files named .gitignore (and .npmrc): the template must name them _gitignore.
    expect(files.filter((f) => !packed.includes(f))).toEqual([]);
  });
});

describe('playing outside Hero\'s workspace', () => {
  test('without a terminal, the bundled journey says the workspace is missing and how to create it', async () => {
    // The callout's text, without its box and line breaks.
    const flat = (text: string) => text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ');
    const result = await runBin(['--dry-run', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    // Run as node bin/hero-journey.js, with no hero-journey on PATH: the suggestions say so.
    expect(flat(result.stdout)).toContain(`Not Hero's workspace This folder is empty: the chapters build and deploy Hero from the files "node ${binPath} init" creates`);
    expect(flat(result.stdout)).toContain(`Create the workspace with "node ${binPath} init ./hero" and play in that folder`);
    await writeFile(join(sandbox.workspace, 'notes.txt'), 'hi\n');
    const other = await runBin(['--dry-run', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(flat(other.stdout)).toContain('This folder has no app/main.go');
  });

  test('another journey, or Hero\'s workspace itself, gets no warning', async () => {
    const quest = join(repoRoot, 'test', 'fixtures', 'journeys', 'quest');
    const other = await runBin(['--journey', quest, '--dry-run', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(other.stdout).not.toContain('hero-journey init');
    expect((await runBin(['init'], { cwd: sandbox.workspace, env: sandbox.env })).exitCode).toBe(0);
    const inside = await runBin(['--dry-run', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
    expect(inside.stdout).not.toContain("Not Hero's workspace");
  });

  test('in a terminal, an empty folder is offered the workspace, which is created before the first chapter', async () => {
    const t = new TerminalSession([], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor(/This folder is empty[\s\S]*Create it here\?[\s\S]*Create the workspace here/);
      t.press('enter');
      await t.waitFor(/Created Hero's workspace in this folder[\s\S]*Setup: Base Camp/);
      expect(await t.screen()).not.toMatch(/Next:\s+hero-journey/);
      await stat(join(sandbox.workspace, 'app', 'main.go'));
      await stat(join(sandbox.workspace, 'helm', 'Chart.yaml'));
      t.press('ctrl-c');
      expect(await t.exitCode()).toBe(0);
    } finally {
      t.kill();
    }
  });
});
