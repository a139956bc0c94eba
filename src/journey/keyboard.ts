/**
 * Which steps wait for the keyboard, read from their code (pure): a step that does gets the
 * learner's terminal while it runs when play is interactive, and without a terminal play can say
 * why it got no input. Two kinds:
 * - `line`: it reads lines from standard input (`read`, `select`, `rm -i`, `git add -p`,
 *   `kubectl exec -i`): standard input is the terminal, and the output is still shown and captured;
 * - `terminal`: it draws on the terminal or opens it itself (an editor, `kubectl edit`, `git commit`
 *   without a message, `less`, `kubectl exec -it`): it gets the terminal on every stream.
 */

import { splitCommands, type Command } from './shell.ts';

/** What in a step waits for the keyboard, and how. */
export interface KeyboardUse {
  kind: 'line' | 'terminal';
  /** The command, as the learner would name it: `read`, `git commit`, `kubectl edit`. */
  command: string;
  /** 1-based line in the step's code. */
  line: number;
  /** How the learner is told: "`read` on line 1", or that the block says so. */
  because: string;
}

const editors = new Set(['vi', 'vim', 'nvim', 'view', 'vimdiff', 'nano', 'pico', 'emacs', 'micro', 'joe', 'mcedit', 'editor', 'sensible-editor', '$EDITOR', '${EDITOR}', '$VISUAL', '${VISUAL}']);
const screens = new Set(['less', 'more', 'most', 'man', 'top', 'htop', 'btop', 'k9s', 'tig', 'lazygit', 'mc']);
/** Global options of the tools whose subcommands matter here that take a value as the next word. */
const globalOptions: Record<string, ReadonlySet<string>> = {
  kubectl: new Set(['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--as-group', '--token', '--request-timeout', '--certificate-authority', '--client-certificate', '--client-key', '--cache-dir', '--tls-server-name', '-v', '--v']),
  oc: new Set(['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--as', '--token']),
  git: new Set(['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--config-env']),
  docker: new Set(['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey']),
  podman: new Set(['-c', '--connection', '--url', '--identity', '--root', '--runroot', '--log-level']),
  nerdctl: new Set(['-n', '--namespace', '-a', '--address', '-H', '--host', '--snapshotter']),
};
const prefixes = new Set(['!', '{', '}', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'command', 'builtin', 'exec', 'sudo', 'env', 'nohup']);

/** What in a step waits for the keyboard: what its `keyboard` attribute says, else what its code shows. */
export function stepKeyboardUse(step: { code: string; keyboard?: KeyboardUse['kind'] }): KeyboardUse | undefined {
  return step.keyboard ? { kind: step.keyboard, command: `keyboard=${step.keyboard}`, line: 1, because: `its block says \`keyboard=${step.keyboard}\`` } : keyboardUse(step.code);
}

/** The first command of `code` that waits for the keyboard, or undefined. */
export function keyboardUse(code: string): KeyboardUse | undefined {
  const uses = commandsOf(code, 0).map(({ command, previous }) => use(command, previous)).filter((found) => found !== undefined);
  // A command that needs the whole terminal decides, wherever it is.
  return uses.find((found) => found.kind === 'terminal') ?? uses[0];
}

/** Every simple command, including those in `$(...)`, with the one before it (a pipe into it means its input is not the keyboard). */
function commandsOf(code: string, firstLine: number): { command: Command & { line: number }; previous?: Command }[] {
  const commands = splitCommands(code);
  return commands.flatMap((command, index) => [
    { command: { ...command, line: firstLine + command.line }, ...(index > 0 ? { previous: commands[index - 1]! } : {}) },
    ...command.substitutions.flatMap((substitution) => commandsOf(substitution.code, firstLine + substitution.line)),
  ]);
}

function use(command: Command & { line: number }, previous: Command | undefined): KeyboardUse | undefined {
  let words = command.words;
  let loop = false;
  while (words.length > 0 && (prefixes.has(words[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!))) {
    if (words[0] === 'while' || words[0] === 'until') loop = true;
    words = words.slice(1);
  }
  const [verb = '', ...args] = words;
  const name = verb.replace(/^.*\//, '');
  // The subcommand comes after the tool's global options: `kubectl -n hero edit`, `git -C repo commit`.
  const global = globalOptions[name];
  let position = 0;
  while (global && position < args.length && args[position]!.startsWith('-')) position += global.has(args[position]!) ? 2 : 1;
  const sub = global ? (args[position] ?? '') : (args[0] ?? '');
  const rest = global ? args.slice(position + 1) : args.slice(1);
  const at = (kind: KeyboardUse['kind'], name: string): KeyboardUse => ({ kind, command: name, line: command.line + 1, because: `\`${name}\` on line ${command.line + 1}` });
  // Options of the command itself (after the subcommand, for a tool that has global options).
  const has = (...flags: string[]) => (global ? rest : args).some((arg) => flags.includes(arg) || flags.some((flag) => flag.startsWith('--') && arg.startsWith(`${flag}=`) && !/=(false|0)$/.test(arg)));
  // Its input comes from a file, a here-string or a pipe: not from the keyboard.
  const redirected = args.some((arg) => /^\d*<(?!\()/.test(arg)) || previous?.pipe === true;

  if (editors.has(name) || editors.has(verb)) return at('terminal', name);
  if (screens.has(name) && !(name === 'top' && has('-b', '-n'))) return at('terminal', name);
  if (name === 'kubectl' || name === 'oc') {
    if (sub === 'edit') return at('terminal', `${name} edit`);
    if (['exec', 'run', 'attach', 'debug'].includes(sub)) {
      const tty = rest.some((arg) => /^-[a-zA-Z]*t[a-zA-Z]*$/.test(arg) && !arg.startsWith('--')) || rest.some((arg) => arg === '--tty' || arg === '--tty=true');
      const stdin = rest.some((arg) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(arg) && !arg.startsWith('--')) || rest.some((arg) => arg === '--stdin' || arg === '--stdin=true');
      if (stdin && tty) return at('terminal', `${name} ${sub} -it`);
      if (stdin && !redirected) return at('line', `${name} ${sub} -i`);
    }
    if (sub === 'delete' && (rest.includes('-i') || rest.some((arg) => arg === '--interactive' || arg === '--interactive=true')) && !redirected) return at('line', `${name} delete --interactive`);
    return undefined;
  }
  if (['docker', 'podman', 'nerdctl'].includes(name) && ['run', 'exec', 'attach'].includes(sub)) {
    const flags = rest.filter((arg) => /^-[a-zA-Z]+$/.test(arg)).join('');
    if (sub === 'attach' || (flags.includes('i') && flags.includes('t')) || (rest.includes('--interactive') && rest.includes('--tty'))) return at('terminal', `${name} ${sub} -it`);
    if ((flags.includes('i') || rest.includes('--interactive')) && !redirected) return at('line', `${name} ${sub} -i`);
    return undefined;
  }
  if (name === 'git') {
    if (sub === 'commit' && !has('-m', '--message', '-F', '--file', '--no-edit', '-C', '--reuse-message', '--fixup') && !rest.some((arg) => /^-[a-zA-Z]*[mFC]/.test(arg) && !arg.startsWith('--'))) return at('terminal', 'git commit');
    if ((sub === 'rebase' && has('-i', '--interactive')) || (sub === 'tag' && has('-a', '--annotate') && !has('-m', '--message', '-F', '--file'))) return at('terminal', `git ${sub}`);
    if (['add', 'checkout', 'reset', 'restore', 'stash'].includes(sub) && has('-p', '--patch', '-i', '--interactive')) return at('line', `git ${sub} --patch`);
    return undefined;
  }
  if (redirected || loop) return undefined;
  if (name === 'read' && !args.some((arg) => /^-[a-zA-Z]*u/.test(arg))) return at('line', 'read');
  if (name === 'select') return at('line', 'select');
  if (['rm', 'cp', 'mv', 'ln'].includes(name) && args.some((arg) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(arg) || arg === '--interactive')) return at('line', `${name} -i`);
  if (name === 'passwd') return at('line', 'passwd');
  return undefined;
}
