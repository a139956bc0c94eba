import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UserError, ExitCode } from '../errors.ts';
import { closest } from '../journey/text.ts';
import { commands, options, type CommandName } from './options.ts';

/** Everything a command needs from the command line, typed. */
export interface CliOptions {
  command: CommandName;
  /** Positional arguments after the command name. */
  args: string[];
  journey?: string;
  workspace?: string;
  kubeconfig?: string;
  context?: string;
  yes: boolean;
  /** Choice point id → option id. */
  choose: Record<string, string>;
  /** Input name → value. */
  set: Record<string, string>;
  answers?: string;
  dryRun: boolean;
  /** `init`: overwrite existing files. */
  force: boolean;
  /** Run the journey's check modules without asking. */
  trust: boolean;
  /** `check`: retry failing checks until their timeout. */
  wait: boolean;
  json: boolean;
  format?: string;
  /** undefined: decide from the terminal and NO_COLOR/FORCE_COLOR. */
  color?: boolean;
  help: boolean;
  version: boolean;
}

/** Turn argv (without node and script) into options; a UserError (exit 2) for anything it cannot read. */
export function parseCli(argv: string[]): CliOptions {
  const config: ParseArgsOptionsConfig = {};
  for (const option of options) {
    config[option.name] = {
      type: option.type,
      ...(option.short ? { short: option.short } : {}),
      ...(option.multiple ? { multiple: true } : {}),
    };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: config, allowPositionals: true, strict: true, allowNegative: true });
  } catch (error) {
    throw usageError(describeParseError(error as Error));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = [...parsed.positionals];
  let command: CommandName = 'play';
  const first = positionals[0];
  if (first !== undefined) {
    const known = commands.find((c) => c.name === first);
    if (!known) {
      const suggestion = closest(first, commands.map((c) => c.name));
      throw usageError(`unknown command "${first}"`, suggestion ? `did you mean "hero-journey ${suggestion}"?` : undefined);
    }
    command = known.name;
    positionals.shift();
  }
  const maxPositionals = command === 'init' || command === 'lint' || command === 'check' ? 1 : 0;
  if (positionals.length > maxPositionals) {
    throw usageError(`unexpected argument "${positionals[maxPositionals]}" for "hero-journey ${command}"`);
  }
  for (const option of options) {
    if (values[option.name] !== undefined && option.commands && !option.commands.includes(command) && option.name !== 'color') {
      throw usageError(`--${option.name} does not apply to "hero-journey ${command}"`, `it works with: ${option.commands.join(', ')}`);
    }
  }
  const format = str(values.format);
  if (format !== undefined && !['tree', 'mermaid', 'json'].includes(format)) {
    throw usageError(`unknown --format "${format}"`, 'use --format tree or --format mermaid (or --json)');
  }
  return {
    command,
    args: positionals,
    journey: str(values.journey),
    workspace: str(values.workspace),
    kubeconfig: str(values.kubeconfig),
    context: str(values.context),
    yes: values.yes === true,
    choose: pairs(values.choose, '--choose', 'CHAPTER=OPTION'),
    set: pairs(values.set, '--set', 'NAME=VALUE'),
    answers: str(values.answers),
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    trust: values.trust === true,
    wait: values.wait === true,
    json: values.json === true || format === 'json',
    format: format === 'json' ? undefined : format,
    color: typeof values.color === 'boolean' ? values.color : undefined,
    help: values.help === true,
    version: values.version === true,
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function pairs(value: unknown, flag: string, shape: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Array.isArray(value) ? value : []) {
    const eq = String(item).indexOf('=');
    if (eq <= 0) throw usageError(`${flag} expects ${shape}, got "${item}"`);
    out[String(item).slice(0, eq)] = String(item).slice(eq + 1);
  }
  return out;
}

function usageError(message: string, hint = 'run "hero-journey --help" to see commands and flags'): UserError {
  return new UserError(message, { hint, exitCode: ExitCode.usage });
}

function describeParseError(error: Error): string {
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message);
  if (unknown?.[1]) {
    const name = unknown[1].replace(/^-+/, '');
    const suggestion = closest(name, options.map((o) => o.name));
    return `unknown flag ${unknown[1]}${suggestion ? ` (did you mean --${suggestion}?)` : ''}`;
  }
  const missing = /Option '(-{1,2}[^ ']+)(?:, -[^ ']+)?[^']*' argument missing/.exec(error.message);
  if (missing?.[1]) return `${missing[1]} needs a value`;
  return error.message.replace(/\. To specify.*$/s, '');
}
