import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { UserError, ExitCode } from '../errors.ts';
import { closest } from '../journey/text.ts';
import { isVariableName, variableNameRefusal } from '../state/variables.ts';
import { commands, options, type CommandName } from './options.ts';
import { dict } from '../dict.ts';

/** Everything a command needs from the command line, typed. */
export interface CliOptions {
  command: CommandName;
  /** Positional arguments after the command name. */
  args: string[];
  journey?: string;
  /** convert: where the journey is written. */
  out?: string;
  workspace?: string;
  kubeconfig?: string;
  context?: string;
  /** Every --context given (verify: names or patterns). */
  contexts: string[];
  yes: boolean;
  /** Choice point id → option id. */
  choose: Record<string, string>;
  /** Input name → value. */
  set: Record<string, string>;
  answers?: string;
  /** play: start (or move) at this chapter. */
  from?: string;
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
  /** play: mirror progress into the cluster (--no-sync turns it off). */
  sync: boolean;
  /** play: page chapter text taller than the terminal (--no-pager turns it off). */
  pager: boolean;
  /** play: the workspace of this machine whose mirrored progress may be offered. */
  continueFrom?: string;
  /** verify options. */
  concurrency?: number;
  timeoutSeconds?: number;
  watch: boolean;
  /** --serve [PORT]: the port (0 when --serve was given without one). */
  serve?: number;
  until?: string;
  allowExec: boolean;
  progressNamespace?: string;
  /** play --vote [PORT]: the port (0: a free one). */
  vote?: number;
  voteHost?: string;
  voteSeconds?: number;
  /** play --follow URL: the presenter's vote address. */
  follow?: string;
  /** verify --path URL|FILE: the room's path. */
  path?: string;
}

/** `--serve` and `--vote` take an optional port: alone (or before another flag or argument) they mean the default. */
function optionalPorts(argv: string[]): string[] {
  return argv.flatMap((arg, i) => ((arg === '--serve' || arg === '--vote') && !/^\d+$/.test(argv[i + 1] ?? '') ? [`${arg}=`] : [arg]));
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
    parsed = parseArgs({ args: optionalPorts(argv), options: config, allowPositionals: true, strict: true, allowNegative: true });
  } catch (error) {
    throw usageError(describeParseError(error as Error));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const positionals = [...parsed.positionals];
  let command: CommandName = 'play';
  // `hero-journey help [COMMAND]`, as git and npm have it: the same as --help.
  if (positionals[0] === 'help' && positionals.length <= 2) {
    positionals.shift();
    values.help = true;
  }
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
  const maxPositionals = command === 'verify' ? Infinity : command === 'init' || command === 'new' || command === 'lint' || command === 'convert' || command === 'check' || command === 'show' || command === 'classroom' ? 1 : 0;
  if (positionals.length > maxPositionals) {
    throw usageError(`unexpected argument "${positionals[maxPositionals]}" for "hero-journey ${command}"`);
  }
  for (const option of options) {
    if (values[option.name] !== undefined && option.commands && !option.commands.includes(command) && option.name !== 'color') {
      throw usageError(`--${option.name} does not apply to "hero-journey ${command}"`, `it works with: ${option.commands.join(', ')}`);
    }
  }
  const format = str(values.format);
  if (command === 'verify') {
    if (format !== undefined && !['table', 'json', 'junit', 'html'].includes(format)) {
      throw usageError(`unknown --format "${format}" for verify`, 'use --format table, json, junit or html');
    }
  } else if (format !== undefined && !['tree', 'mermaid', 'json'].includes(format)) {
    throw usageError(`unknown --format "${format}"`, 'use --format tree or --format mermaid (or --json)');
  }
  if (command === 'classroom' && positionals[0] !== 'rbac' && values.help !== true) {
    throw usageError(positionals[0] ? `unknown classroom command "${positionals[0]}"` : 'hero-journey classroom needs a command', 'run "hero-journey classroom rbac"');
  }
  if (values.vote === undefined) {
    for (const flag of ['vote-host', 'vote-seconds'] as const) {
      if (values[flag] !== undefined) throw usageError(`--${flag} needs --vote`, 'run "hero-journey --vote --help" to see how a live vote works');
    }
  } else if (values.follow !== undefined) {
    throw usageError('--vote and --follow do not go together: the presenter votes, attendees follow');
  }
  if (typeof values.follow === 'string' && !/^https?:\/\/[^\s/?#]+/i.test(values.follow)) {
    throw usageError(`--follow expects the presenter's address, such as http://10.0.0.5:4000/, got "${values.follow}"`);
  }
  const contexts = Array.isArray(values.context) ? values.context.map(String) : [];
  return {
    command,
    args: positionals,
    journey: str(values.journey),
    out: str(values.out),
    workspace: str(values.workspace),
    kubeconfig: str(values.kubeconfig),
    context: contexts.at(-1),
    contexts,
    yes: values.yes === true,
    choose: pairs(values.choose, '--choose', 'CHAPTER=OPTION'),
    set: variablePairs(values.set),
    answers: str(values.answers),
    from: str(values.from),
    dryRun: values['dry-run'] === true,
    force: values.force === true,
    trust: values.trust === true,
    wait: values.wait === true,
    json: values.json === true || format === 'json',
    format: format === 'json' ? undefined : format,
    color: typeof values.color === 'boolean' ? values.color : undefined,
    help: values.help === true,
    version: values.version === true,
    sync: values.sync !== false,
    pager: values.pager !== false,
    continueFrom: str(values['continue-from']),
    concurrency: count(values.concurrency, '--concurrency', 1, 1000),
    timeoutSeconds: count(values.timeout, '--timeout', 0.1, 3600, false),
    watch: values.watch === true,
    serve: values.serve === undefined ? undefined : values.serve === '' ? 0 : count(values.serve, '--serve', 1, 65535),
    until: str(values.until),
    allowExec: values['allow-exec'] === true,
    progressNamespace: str(values['progress-namespace']),
    vote: values.vote === undefined ? undefined : values.vote === '' ? 0 : count(values.vote, '--vote', 0, 65535),
    voteHost: str(values['vote-host']),
    voteSeconds: count(values['vote-seconds'], '--vote-seconds', 1, 86_400),
    follow: str(values.follow),
    path: str(values.path),
  };
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A number flag within bounds, or undefined when not given. */
function count(value: unknown, flag: string, min: number, max: number, whole = true): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (typeof value !== 'string' || value.trim() === '' || !Number.isFinite(number) || number < min || number > max || (whole && !Number.isInteger(number))) {
    throw usageError(`${flag} expects ${whole ? 'a whole number' : 'a number'} from ${min} to ${max}, got "${String(value)}"`);
  }
  return number;
}

function pairs(value: unknown, flag: string, shape: string): Record<string, string> {
  const out = dict<string>();
  for (const item of Array.isArray(value) ? value : []) {
    const eq = String(item).indexOf('=');
    if (eq <= 0) throw usageError(`${flag} expects ${shape}, got "${item}"`);
    out[String(item).slice(0, eq)] = String(item).slice(eq + 1);
  }
  return out;
}

/** --set NAME=VALUE pairs, refusing names that must never come from outside (PATH, BASH_ENV, ...). */
function variablePairs(value: unknown): Record<string, string> {
  const set = pairs(value, '--set', 'NAME=VALUE');
  for (const name of Object.keys(set)) {
    const refusal = variableNameRefusal(name);
    if (refusal) {
      throw usageError(
        `--set ${name}=...: ${name} is refused: ${refusal}`,
        isVariableName(name) ? 'set it in your own shell before running hero-journey if a step needs it' : 'name a variable like DOMAIN or APP_HOST',
      );
    }
  }
  return set;
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
