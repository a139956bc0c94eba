// A journey folder from someone else: many steps, looping and escaping symlinks.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findShellcheck } from '../../src/journey/shellcheck.ts';
import { runBin } from '../e2e/cli.ts';
import { binPath, makeSandbox, type Sandbox } from '../e2e/pty.ts';

const shellcheck = await findShellcheck();

let sandbox: Sandbox;
beforeEach(async () => {
  sandbox = await makeSandbox();
});
afterEach(async () => {
  await sandbox.cleanup();
});

async function writeJourney(dir: string, chapters: Record<string, string>): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'journey.yaml'), 'id: files\ntitle: Files\nstart: start\n');
  for (const [name, text] of Object.entries(chapters)) {
    await mkdir(join(dir, name, '..'), { recursive: true });
    await writeFile(join(dir, name), text);
  }
}

describe('lint with few file descriptors', () => {
  // More steps than open files allowed, and no more: ShellCheck's time grows with every step, and
  // on a busy machine 600 of them took most of a minute.
  it.skipIf(!shellcheck)('checks 320 steps with ShellCheck under ulimit -n 256 (the macOS default)', async () => {
    const dir = join(sandbox.root, 'many-steps');
    const steps = Array.from({ length: 320 }, (_, i) => `\`\`\`sh\necho "step ${i}"\n\`\`\`\n`).join('\n');
    await writeJourney(dir, { 'start.md': `---\ntitle: Start\n---\n\n${steps}` });
    const result = await runBin([`ulimit -n 256 && exec "${process.execPath}" "${binPath}" lint "${dir}"`], {
      cwd: sandbox.workspace,
      env: sandbox.env,
      node: '/bin/bash',
      bin: '-c',
    }).catch((error: unknown) => ({ exitCode: -1, stdout: '', stderr: String(error) }));
    expect(result.stderr).not.toMatch(/EMFILE|hit a bug/);
    expect(result.stdout).not.toMatch(/shellcheck could not check/);
    expect(result.exitCode).toBe(0);
  }, 120_000);
});

describe('symbolic links in a journey folder', () => {
  const commands = [['lint'], ['--dry-run', '--yes'], ['map']];
  const run = (args: string[], dir: string) =>
    runBin(args[0] === 'lint' ? [...args, dir] : [...args, '--journey', dir], { cwd: sandbox.workspace, env: sandbox.env, timeoutMs: 30_000 });

  it('refuses a linked folder that loops back into the journey, in every command, without hanging', async () => {
    const dir = join(sandbox.root, 'loop');
    await writeJourney(dir, { 'start.md': '---\ntitle: Start\n---\n\nHello.\n', 'more/next.md': '---\ntitle: Next\n---\n' });
    await symlink('..', join(dir, 'more', 'again'));
    for (const args of commands) {
      const result = await run(args, dir);
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr, args.join(' ')).toMatch(/more\/again in the journey at .* is a symbolic link to a folder it is inside of \(\.\): reading the journey would never end/);
      expect(result.stderr).not.toMatch(/hit a bug|    at /);
    }
  });

  it('refuses a linked chapter file whose real path is outside the journey', async () => {
    const dir = join(sandbox.root, 'escape');
    await writeJourney(dir, { 'start.md': '---\ntitle: Start\n---\n\nHello.\n' });
    const secret = join(sandbox.root, 'instructor-notes.md');
    await writeFile(secret, '---\ntitle: Private\n---\n\nThe answers.\n');
    await symlink(secret, join(dir, 'notes.md'));
    for (const args of commands) {
      const result = await run(args, dir);
      expect(result.exitCode, args.join(' ')).toBe(1);
      expect(result.stderr).toContain(`notes.md in the journey at ${dir} is a symbolic link to ${secret}, outside the journey folder`);
      expect(result.stdout + result.stderr).not.toContain('The answers');
    }
  });

  it('still follows a link that stays inside the journey', async () => {
    const dir = join(sandbox.root, 'inside');
    await writeJourney(dir, { 'start.md': '---\ntitle: Start\nnext: alias/end\n---\n\nHello.\n', 'parts/end.md': '---\ntitle: The end\n---\n' });
    await symlink('parts', join(dir, 'alias'));
    await writeFile(join(dir, 'journey.yaml'), 'id: files\ntitle: Files\nstart: start\n');
    const result = await run(['lint'], dir);
    expect(result.stderr).not.toMatch(/symbolic link/);
    expect(result.stdout).toContain('journey "files" (3 chapters)');
    expect(result.stdout).not.toContain('unknown chapter');
  });
});
