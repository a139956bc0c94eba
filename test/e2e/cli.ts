import { spawn } from 'node:child_process';
import { binPath } from './pty.ts';

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built CLI without a terminal (as CI and scripts do). */
export function runBin(args: string[], options: { cwd: string; env: Record<string, string>; input?: string; bin?: string; node?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(options.node ?? process.execPath, [options.bin ?? binPath, ...args], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // A hang is killed, so the test sees it as a failure instead of waiting forever.
      ...(options.timeoutMs ? { timeout: options.timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (exitCode) => resolve({ exitCode, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}
