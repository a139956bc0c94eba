import type { CliOptions } from '../cli/parse.ts';
import { detectTerminal, type TerminalOptions } from '../render/terminal.ts';
import type { CommandIO } from './io.ts';

/** Terminal abilities for this run: the environment's conventions, then --color/--no-color. */
export function terminalFor(options: Pick<CliOptions, 'color'>, io: Pick<CommandIO, 'env' | 'stdout'>): TerminalOptions {
  const detected = detectTerminal(io.env, io.stdout);
  if (options.color === undefined) return detected;
  return { ...detected, color: options.color, ...(options.color ? {} : { hyperlinks: false }) };
}

/** Like terminalFor, for tables: they use the whole width of a terminal (prose stops at 100 columns). */
export function tableTerminalFor(options: Pick<CliOptions, 'color'>, io: Pick<CommandIO, 'env' | 'stdout'>): TerminalOptions {
  const terminal = terminalFor(options, io);
  const columns = io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : Number.parseInt(io.env['COLUMNS'] ?? '', 10);
  return Number.isFinite(columns) && columns > terminal.width ? { ...terminal, width: Math.min(400, Math.floor(columns)) } : terminal;
}
