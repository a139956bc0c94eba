import { binPath } from './pty.ts';
import { runCommand, type CliResult } from './command.ts';

export type { CliResult };

/** Run the built CLI without a terminal (as CI and scripts do). */
export function runBin(args: string[], options: { cwd: string; env: Record<string, string>; input?: string; bin?: string; node?: string; timeoutMs?: number }): Promise<CliResult> {
  return runCommand(options.node ?? process.execPath, [options.bin ?? binPath, ...args], options);
}
