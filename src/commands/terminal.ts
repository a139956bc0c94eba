import type { CliOptions } from '../cli/parse.ts';
import { detectTerminal, type TerminalOptions } from '../render/terminal.ts';
import type { CommandIO } from './io.ts';

/** Terminal abilities for this run: the environment's conventions, then --color/--no-color. */
export function terminalFor(options: Pick<CliOptions, 'color'>, io: Pick<CommandIO, 'env' | 'stdout'>): TerminalOptions {
  const detected = detectTerminal(io.env, io.stdout);
  if (options.color === undefined) return detected;
  return { ...detected, color: options.color, ...(options.color ? {} : { hyperlinks: false }) };
}
