// Running a command without a terminal and collecting its output; free of vitest, so scripts
// such as the HTTPS demo can use it too.
import { spawn } from 'node:child_process';

export interface CliResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** Run a command without a terminal, its output collected; never throws on a non-zero exit. */
export function runCommand(cmd: string, args: string[], options: { cwd: string; env: Record<string, string>; input?: string; timeoutMs?: number }): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
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
