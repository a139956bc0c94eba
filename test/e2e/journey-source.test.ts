// Journeys from a Git repository, an npm package or a tarball, fetched for real from a local bare
// repository (file://) and a locally packed package: nothing from the internet. Fetched code is
// shown with its pin and runs only after the learner agreed (or --trust), once per commit or version.

import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { runBin } from './cli.ts';
import { makeSandbox, TerminalSession, type Sandbox } from './pty.ts';

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(() => sandbox.cleanup());

const tutorialPage = (word: string) => `# Hello tutorial\n\n\`\`\`sh\necho ${word} > greeting.txt\n\`\`\`\n`;

/** A bare repository whose `tutorial/` folder is a plain tutorial; a function that commits a new version. */
async function repository(): Promise<{ url: string; update: (word: string) => Promise<void> }> {
  const source = join(sandbox.root, 'source');
  await mkdir(join(source, 'tutorial'), { recursive: true });
  const git = (args: string[], cwd = source) => execFileSync('git', ['-c', 'user.name=Hero', '-c', 'user.email=hero@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, env: sandbox.env, stdio: 'pipe' });
  await writeFile(join(source, 'tutorial', 'README.md'), tutorialPage('hello'));
  git(['init', '-q']);
  git(['add', '.']);
  git(['commit', '-q', '-m', 'first']);
  const bare = join(sandbox.root, 'tutorials.git');
  git(['clone', '-q', '--bare', source, bare], sandbox.root);
  git(['remote', 'add', 'origin', bare]);
  return {
    url: `git+file://${bare}#main:tutorial`,
    update: async (word) => {
      await writeFile(join(source, 'tutorial', 'README.md'), tutorialPage(word));
      git(['commit', '-q', '-am', word]);
      git(['push', '-q', 'origin', 'main']);
    },
  };
}

async function workspace(name: string): Promise<string> {
  const dir = join(sandbox.root, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

const play = (args: string[], cwd: string) => runBin([...args, '--yes', '--no-color', '--no-sync'], { cwd, env: sandbox.env, timeoutMs: 120_000 });

describe('a journey from a Git repository', () => {
  test('is fetched and pinned to its commit, and plays only after --trust, once per commit', async () => {
    const { url, update } = await repository();
    const lint = await runBin(['lint', url, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(lint.exitCode, lint.stderr).toBe(0);
    expect(lint.stderr).toMatch(/the journey from file:\/\/\S+tutorials\.git \(main\), pinned to commit [0-9a-f]{40}/);
    expect(lint.stdout).toContain('journey "tutorial" (1 chapter): no problems');

    const first = await workspace('first');
    const refused = await play(['--journey', url], first);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('was not played here before: its steps and checks are code from there');
    expect(refused.stderr).toContain('then pass --trust to play it');
    await expect(readFile(join(first, 'greeting.txt'), 'utf8')).rejects.toThrow();

    const trusted = await play(['--journey', url, '--trust'], first);
    expect(trusted.exitCode, trusted.stderr).toBe(0);
    expect(await readFile(join(first, 'greeting.txt'), 'utf8')).toBe('hello\n');
    // The same commit is remembered.
    const again = await workspace('again');
    expect((await play(['--journey', url], again)).exitCode).toBe(0);
    // A new commit asks again.
    await update('updated');
    const updated = await workspace('updated');
    const asked = await play(['--journey', url], updated);
    expect(asked.exitCode).toBe(2);
    expect(asked.stderr).toContain('was not played here before');
    expect((await play(['--journey', url, '--trust'], updated)).exitCode).toBe(0);
    expect(await readFile(join(updated, 'greeting.txt'), 'utf8')).toBe('updated\n');
  }, 300_000);

  test('in a terminal, the first play shows where the journey comes from and asks; no runs nothing', async () => {
    const { url } = await repository();
    const t = new TerminalSession(['--journey', url, '--no-sync'], { cwd: sandbox.workspace, env: sandbox.env });
    try {
      await t.waitFor(/You have not played the journey from file:\/\/[\s\S]*Play it\?/, 60_000);
      t.press('n');
      expect(await t.exitCode(30_000)).toBe(0);
    } finally {
      t.kill();
    }
    await expect(readFile(join(sandbox.workspace, 'greeting.txt'), 'utf8')).rejects.toThrow();
  }, 150_000);

  test('an address that does not answer is a clear error', async () => {
    const run = await runBin(['lint', `git+file://${join(sandbox.root, 'missing.git')}#main`, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('cannot fetch the journey from file://');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 150_000);
});

describe('a journey from a package', () => {
  test('a packed tarball and npm: are unpacked, pinned to name@version, and none of the package scripts run', async () => {
    const pkg = join(sandbox.root, 'pkg');
    await mkdir(pkg);
    const marker = join(sandbox.root, 'SCRIPT-RAN');
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name: '@heroes/hello-tutorial', version: '1.2.3', scripts: { prepack: `touch ${marker}`, prepare: `touch ${marker}`, postinstall: `touch ${marker}` } }));
    await writeFile(join(pkg, 'README.md'), tutorialPage('packaged'));
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', sandbox.root], { cwd: pkg, env: sandbox.env, stdio: 'pipe' });
    const tarball = join(sandbox.root, (await readdir(sandbox.root)).find((name) => name.endsWith('.tgz'))!);
    for (const spec of [tarball, `npm:${tarball}`]) {
      const lint = await runBin(['lint', spec, '--no-color'], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 120_000 });
      expect(lint.exitCode, lint.stderr).toBe(0);
      expect(lint.stderr).toMatch(/pinned to @heroes\/hello-tutorial@1\.2\.3, sha256 [0-9a-f]{16}/);
      expect(lint.stdout).toContain('journey "hello-tutorial" (1 chapter): no problems');
    }
    const ws = await workspace('pkg-play');
    expect((await play(['--journey', tarball], ws)).exitCode).toBe(2);
    expect((await play(['--journey', tarball, '--trust'], ws)).exitCode).toBe(0);
    expect(await readFile(join(ws, 'greeting.txt'), 'utf8')).toBe('packaged\n');
    await expect(readFile(marker, 'utf8')).rejects.toThrow();
  }, 300_000);
});
