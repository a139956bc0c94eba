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
  it.skipIf(!shellcheck)('checks 600 steps with ShellCheck under ulimit -n 256 (the macOS default)', async () => {
    const dir = join(sandbox.root, 'many-steps');
    const steps = Array.from({ length: 600 }, (_, i) => `\`\`\`sh\necho "step ${i}"\n\`\`\`\n`).join('\n');
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
  });
});
