// Running hero-journey in this process, and journeys written for an attack.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../src/cli/index.ts';

/** Write files (path relative to `dir` → content). */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** Run the CLI in this process without a terminal; returns the exit code and both outputs. */
export async function runInProcess(argv: string[], options: { cwd: string; env: Record<string, string> }): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdin = new PassThrough();
  stdin.end();
  const collect = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString('utf8')));
    return { stream, text: () => text };
  };
  const out = collect();
  const err = collect();
  const exitCode = await runCli(argv, { cwd: options.cwd, env: options.env, stdin, stdout: out.stream, stderr: err.stream });
  return { exitCode, stdout: out.text(), stderr: err.text() };
}
