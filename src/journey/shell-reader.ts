/**
 * Which variables a step's bash code reads, for lint: `$NAME` and `${NAME}` uses that need the
 * variable to be set (steps run with `set -u`), minus what the step itself defines before the use.
 *
 * A careful reader, not a parser: it honours quotes (nothing expands in single quotes), escapes,
 * `$(...)`, backticks, `$((...))`, `${NAME:-default}` and friends (guarded: no definition needed),
 * here-documents (quoted delimiters do not expand), comments, and the ways a step defines a name
 * for itself: `NAME=...`, `export`/`local`/`declare`/`readonly NAME`, `for NAME in`, `read NAME`,
 * `mapfile NAME`, `printf -v NAME`, `getopts ... NAME`, `(( NAME = ... ))`, `${NAME:=...}`.
 * Positional and special parameters (`$1`, `$?`, `$@`, ...) and well-known environment names are
 * never reported.
 */

/** One read of a variable the step does not define itself before that point. */
export interface VariableUse {
  name: string;
  /** 1-based line within the code. */
  line: number;
}

/** Names every shell has, or that the runner sets for every step: never reported. */
export const wellKnownVariables: ReadonlySet<string> = new Set([
  // The runner's own.
  'HERO_JOURNEY_CHAPTER',
  'HERO_JOURNEY_WORKSPACE',
  'KUBECONFIG',
  // The login environment.
  'HOME',
  'PATH',
  'USER',
  'LOGNAME',
  'PWD',
  'OLDPWD',
  'SHELL',
  'TERM',
  'LANG',
  'LC_ALL',
  'TMPDIR',
  'EDITOR',
  'COLUMNS',
  'LINES',
  // Set by bash itself.
  'BASH',
  'BASHPID',
  'BASH_REMATCH',
  'BASH_SOURCE',
  'BASH_VERSION',
  'BASH_VERSINFO',
  'DIRSTACK',
  'EPOCHREALTIME',
  'EPOCHSECONDS',
  'EUID',
  'FUNCNAME',
  'GROUPS',
  'HOSTNAME',
  'HOSTTYPE',
  'IFS',
  'LINENO',
  'MACHTYPE',
  'MAPFILE',
  'OPTARG',
  'OPTIND',
  'OSTYPE',
  'PIPESTATUS',
  'PPID',
  'RANDOM',
  'REPLY',
  'SECONDS',
  'SHELLOPTS',
  'SHLVL',
  'SRANDOM',
  'UID',
]);

/** Keywords after which the next word starts a command. */
const commandStarters = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'function']);
const declarers = new Set(['export', 'local', 'declare', 'typeset', 'readonly']);
/** Options of `read` and `mapfile` that take an argument (the name after `-a` is defined). */
const readOptionsWithArgument = new Set(['a', 'd', 'i', 'n', 'N', 'p', 't', 'u']);
const mapfileOptionsWithArgument = new Set(['d', 'n', 'O', 's', 'u', 'C', 'c']);
const identifier = /^[A-Za-z_][A-Za-z0-9_]*/;

type Event = { kind: 'use' | 'def'; name: string; offset: number };

/** Variables `code` reads without defining them first, in order, each name once per line. */
export function variableUses(code: string): VariableUse[] {
  const reader = new ShellReader(code);
  reader.shell(0, '');
  const defined = new Set<string>();
  const uses: VariableUse[] = [];
  const seen = new Set<string>();
  // Definitions take effect where they end; a use inside the definition's own value comes first.
  const events = [...reader.events].sort((a, b) => a.offset - b.offset || (a.kind === 'use' ? -1 : 1));
  for (const event of events) {
    if (event.kind === 'def') {
      defined.add(event.name);
      continue;
    }
    if (defined.has(event.name) || wellKnownVariables.has(event.name)) continue;
    const line = lineOf(code, event.offset);
    const key = `${event.name}\u0000${line}`;
    if (seen.has(key)) continue;
    seen.add(key);
    uses.push({ name: event.name, line });
  }
  return uses;
}

function lineOf(code: string, offset: number): number {
  let line = 1;
  for (let i = code.indexOf('\n'); i !== -1 && i < offset; i = code.indexOf('\n', i + 1)) line++;
  return line;
}

/** The words of one simple command so far, to recognise assignments and defining commands. */
interface CommandState {
  /** The command name, once past leading assignments. */
  verb?: string;
  /** Words after the verb. */
  args: number;
  /** The previous word was an option that takes an argument (`read -p PROMPT`). */
  optionArgument?: 'skip' | 'define';
  /** Options are over (`--`, or the first name). */
  optionsDone: boolean;
  /** The next word is the target of a redirection. */
  redirect: boolean;
  /** `for`/`select`: the next word is the loop variable. */
  loopVariable: boolean;
  /** `[[ -v NAME ]]`: the next word is a name being tested. */
  testsName: boolean;
}

function freshCommand(): CommandState {
  return { args: 0, optionsDone: false, redirect: false, loopVariable: false, testsName: false };
}

class ShellReader {
  readonly events: Event[] = [];
  private readonly heredocs: { delimiter: string; stripTabs: boolean; expands: boolean }[] = [];

  private readonly code: string;

  constructor(code: string) {
    this.code = code;
  }

  private use(name: string, offset: number): void {
    this.events.push({ kind: 'use', name, offset });
  }

  private def(name: string, offset: number): void {
    this.events.push({ kind: 'def', name, offset });
  }

  /**
   * Read shell code from `i` until `end` (`)` for `$(...)`, a backtick, or `''` for the end of
   * the code); returns the index just after the terminator.
   */
  shell(start: number, end: string): number {
    const code = this.code;
    let i = start;
    let command = freshCommand();
    let depth = 0; // Parentheses opened inside this context (subshells, `case` patterns are not counted).
    while (i < code.length) {
      const c = code[i]!;
      if (end === ')' && c === ')' && depth === 0) return i + 1;
      if (end === '`' && c === '`') return i + 1;
      if (c === '\\' && code[i + 1] === '\n') {
        i += 2;
        continue;
      }
      if (c === '\n') {
        command = freshCommand();
        i = this.heredocBodies(i + 1);
        continue;
      }
      if (c === ' ' || c === '\t') {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < code.length && code[i] !== '\n') i++;
        continue;
      }
      if (c === ';' || c === '&' || c === '|') {
        command = freshCommand();
        i++;
        continue;
      }
      if (c === '(' && code[i + 1] === '(' && command.verb === undefined) {
        i = this.arithmetic(i + 2);
        command = freshCommand();
        continue;
      }
      if (c === '(') {
        depth++;
        command = freshCommand();
        i++;
        continue;
      }
      if (c === ')') {
        depth = Math.max(0, depth - 1);
        command = freshCommand();
        i++;
        continue;
      }
      if (c === '<' && code.startsWith('<<', i) && !code.startsWith('<<<', i)) {
        i = this.heredocStart(i + 2);
        continue;
      }
      if (c === '<' || c === '>') {
        while (code[i] === '<' || code[i] === '>' || code[i] === '&') i++;
        // `2>&1`: the target follows at once; `> file`: after spaces.
        command.redirect = true;
        continue;
      }
      const wordStart = i;
      const word = this.word(i, end);
      i = word.end;
      this.classify(command, word.text, wordStart, word.end);
    }
    return i;
  }

  /** What a finished word means for the command it is part of. */
  private classify(command: CommandState, text: string, start: number, end: number): void {
    if (command.redirect) {
      command.redirect = false;
      return;
    }
    // A redirection glued to a word (`2>/dev/null`) was already cut off by `word`.
    if (command.verb === undefined) {
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=/.exec(text);
      if (assignment) {
        this.def(assignment[1]!, end);
        return;
      }
      if (commandStarters.has(text)) return;
      command.verb = text;
      if (text === 'for' || text === 'select') command.loopVariable = true;
      return;
    }
    command.args++;
    const verb = command.verb;
    if (command.loopVariable) {
      command.loopVariable = false;
      if (identifier.test(text) && identifier.exec(text)![0] === text) this.def(text, end);
      return;
    }
    if (verb === '[[' || verb === 'test' || verb === '[') {
      if (command.testsName) {
        command.testsName = false;
        if (isName(text)) this.def(text, start); // `[[ -v NAME ]] && ... $NAME`: guarded from here on.
      }
      if (text === '-v') command.testsName = true;
      return;
    }
    if (declarers.has(verb)) {
      if (!command.optionsDone && /^[-+][A-Za-z]+$/.test(text)) return;
      command.optionsDone = true;
      const name = /^([A-Za-z_][A-Za-z0-9_]*)(=|\+=|\[|$)/.exec(text);
      if (!name) return;
      // `export NAME` alone exports what is there; it defines nothing. The others declare it.
      if (verb !== 'export' || name[2] !== '') this.def(name[1]!, end);
      return;
    }
    if (verb === 'read' || verb === 'mapfile' || verb === 'readarray') {
      const withArgument = verb === 'read' ? readOptionsWithArgument : mapfileOptionsWithArgument;
      if (command.optionArgument) {
        if (command.optionArgument === 'define' && isName(text)) this.def(text, end);
        command.optionArgument = undefined;
        return;
      }
      if (!command.optionsDone && text === '--') {
        command.optionsDone = true;
        return;
      }
      if (!command.optionsDone && /^-[A-Za-z]+$/.test(text)) {
        const last = text.at(-1)!;
        if (withArgument.has(last)) command.optionArgument = verb === 'read' && last === 'a' ? 'define' : 'skip';
        return;
      }
      command.optionsDone = true;
      if (isName(text)) this.def(text, end);
      return;
    }
    if (verb === 'printf') {
      if (command.optionArgument === 'define') {
        if (isName(text)) this.def(text, end);
        command.optionArgument = undefined;
      } else if (command.args === 1 && text === '-v') command.optionArgument = 'define';
      return;
    }
    if (verb === 'getopts' && command.args === 2 && isName(text)) {
      this.def(text, end);
      return;
    }
    if (verb === 'let') {
      const name = /^([A-Za-z_][A-Za-z0-9_]*)\s*([-+*/%&|^]|<<|>>)?=/.exec(text) ?? /^([A-Za-z_][A-Za-z0-9_]*)(\+\+|--)/.exec(text);
      if (name) this.def(name[1]!, end);
    }
  }

  /**
   * Read one word from `i`: plain characters, quoted parts and expansions, up to a space or an
   * operator. Returns the word with quotes removed (expansions kept as written) and where it ends.
   */
  private word(start: number, end: string): { text: string; end: number } {
    const code = this.code;
    let i = start;
    let text = '';
    while (i < code.length) {
      const c = code[i]!;
      if (/[\s;&|()<>]/.test(c)) {
        // `NAME=(a b)` arrays and `$(`/`<(` were handled below; a bare `(` ends the word.
        break;
      }
      if (end === '`' && c === '`') break;
      if (c === '\\') {
        if (code[i + 1] === '\n') {
          i += 2;
          continue;
        }
        text += code[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (c === "'") {
        const close = code.indexOf("'", i + 1);
        const stop = close === -1 ? code.length : close;
        text += code.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (c === '"') {
        const from = i + 1;
        i = this.doubleQuoted(from);
        text += code.slice(from, i - 1);
        continue;
      }
      if (c === '$') {
        const from = i;
        i = this.dollar(i);
        text += code.slice(from, i);
        continue;
      }
      if (c === '`') {
        const from = i;
        i = this.shell(i + 1, '`');
        text += code.slice(from, i);
        continue;
      }
      text += c;
      i++;
    }
    // An array assignment `NAME=(a b)`: read the list as words of the same command.
    if (code[i] === '(' && /^[A-Za-z_][A-Za-z0-9_]*\+?=$/.test(text)) {
      const close = this.shell(i + 1, ')');
      return { text, end: close };
    }
    return { text, end: i };
  }

  /** Inside `"..."` from `i`; returns the index after the closing quote. */
  private doubleQuoted(start: number): number {
    const code = this.code;
    let i = start;
    while (i < code.length) {
      const c = code[i]!;
      if (c === '\\') i += 2;
      else if (c === '"') return i + 1;
      else if (c === '$') i = this.dollar(i);
      else if (c === '`') i = this.shell(i + 1, '`');
      else i++;
    }
    return code.length;
  }

  /** An expansion starting with the `$` at `i`; returns the index after it. */
  private dollar(i: number): number {
    const code = this.code;
    const next = code[i + 1];
    if (next === '(' && code[i + 2] === '(') return this.arithmetic(i + 3);
    if (next === '(') return this.shell(i + 2, ')');
    if (next === '{') return this.parameter(i + 2);
    if (next === "'") {
      // $'...': ANSI-C quoting, no expansion inside.
      let j = i + 2;
      while (j < code.length && code[j] !== "'") j += code[j] === '\\' ? 2 : 1;
      return j + 1;
    }
    if (next === '"') return this.doubleQuoted(i + 2);
    const name = identifier.exec(code.slice(i + 1, i + 200));
    if (name) {
      if (name[0] !== '_') this.use(name[0], i);
      return i + 1 + name[0].length;
    }
    // $1, $?, $@, $#, $$, $!, $-, $*, $0: positional and special parameters.
    if (next !== undefined && /[0-9?@#$!*-]/.test(next)) return i + 2;
    return i + 1;
  }

  /** `${...}` whose content starts at `i`; returns the index after the closing brace. */
  private parameter(start: number): number {
    const code = this.code;
    let i = start;
    let prefix = '';
    if (code[i] === '#' || code[i] === '!') {
      // `${#}` and `${!}` are special parameters; `${#NAME}` is a length, `${!NAME}` indirection.
      if (code[i + 1] === '}') return i + 2;
      prefix = code[i]!;
      i++;
    }
    const name = identifier.exec(code.slice(i, i + 200))?.[0];
    if (!name) {
      // ${1}, ${@}, ${?}, ...: nothing to report; skip to the brace.
      return this.parameterRest(i);
    }
    const at = start - 2;
    i += name.length;
    if (prefix === '!' && (code[i] === '*' || code[i] === '@') && code[i + 1] === '}') return i + 2; // ${!prefix*}
    if (code[i] === '[') {
      const close = code.indexOf(']', i);
      i = close === -1 ? code.length : close + 1;
    }
    const operator = /^(:?[-=+?])/.exec(code.slice(i, i + 2))?.[1];
    if (prefix === '' && operator && operator !== '?' && operator !== ':?') {
      // ${NAME:-x}, ${NAME-x}, ${NAME:+x}, ${NAME+x}: fine when unset. ${NAME:=x} also sets it.
      const before = this.events.length;
      const after = this.parameterRest(i + operator.length);
      if (operator.endsWith('+')) {
        // ${NAME:+ ($NAME)}: the alternative is only expanded when NAME is set.
        const inner = this.events.splice(before);
        this.events.push(...inner.filter((event) => event.name !== name));
      }
      if (operator.endsWith('=')) this.def(name, after);
      return after;
    }
    if (name !== '_') this.use(name, at);
    return this.parameterRest(i);
  }

  /** The rest of a `${...}` from `i` (a word that may hold more expansions); returns the index after `}`. */
  private parameterRest(start: number): number {
    const code = this.code;
    let i = start;
    while (i < code.length) {
      const c = code[i]!;
      if (c === '}') return i + 1;
      if (c === '\\') i += 2;
      else if (c === "'") {
        const close = code.indexOf("'", i + 1);
        i = close === -1 ? code.length : close + 1;
      } else if (c === '"') i = this.doubleQuoted(i + 1);
      else if (c === '$') i = this.dollar(i);
      else if (c === '`') i = this.shell(i + 1, '`');
      else i++;
    }
    return code.length;
  }

  /** Arithmetic from `i` to the closing `))`: bare names are reads; names before `=`, `+=`, `++` or `--` are set. */
  private arithmetic(start: number): number {
    const code = this.code;
    let i = start;
    let depth = 0;
    while (i < code.length) {
      const c = code[i]!;
      if (c === ')' && depth === 0 && code[i + 1] === ')') return i + 2;
      if (c === '(') depth++;
      else if (c === ')') depth--;
      if (c === '$') {
        i = this.dollar(i);
        continue;
      }
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(code.slice(i, i + 200))?.[0];
      if (name && !/[A-Za-z0-9_]/.test(code[i - 1] ?? '')) {
        const rest = code.slice(i + name.length, i + name.length + 4);
        const before = code.slice(Math.max(start, i - 2), i);
        if (/^\s*([-+*/%&|^]|<<|>>)?=(?!=)/.test(rest) || /^(\+\+|--)/.test(rest) || /(\+\+|--)$/.test(before)) {
          this.def(name, i + name.length);
        } else {
          this.use(name, i);
        }
        i += name.length;
        continue;
      }
      i++;
    }
    return code.length;
  }

  /** After `<<`: note the delimiter; the body starts on the next line. */
  private heredocStart(start: number): number {
    const code = this.code;
    let i = start;
    const stripTabs = code[i] === '-';
    if (stripTabs) i++;
    while (code[i] === ' ' || code[i] === '\t') i++;
    const from = i;
    while (i < code.length && !/[\s;&|<>()]/.test(code[i]!)) i++;
    const raw = code.slice(from, i);
    const delimiter = raw.replace(/["'\\]/g, '');
    if (delimiter) this.heredocs.push({ delimiter, stripTabs, expands: delimiter === raw });
    return i;
  }

  /** Read pending here-document bodies from the line that starts at `i`; returns where the code goes on. */
  private heredocBodies(start: number): number {
    let i = start;
    for (const heredoc of this.heredocs.splice(0)) {
      const code = this.code;
      while (i < code.length) {
        const newline = code.indexOf('\n', i);
        const lineEnd = newline === -1 ? code.length : newline;
        const line = code.slice(i, lineEnd);
        if ((heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter) {
          i = lineEnd + 1;
          break;
        }
        if (heredoc.expands) this.expandLine(i, lineEnd);
        i = lineEnd + 1;
      }
    }
    return Math.min(i, this.code.length);
  }

  /** Expansions in a here-document line (`$NAME`, `${...}`, `$(...)`, backticks); quotes are plain text there. */
  private expandLine(start: number, end: number): void {
    const code = this.code;
    let i = start;
    while (i < end) {
      const c = code[i]!;
      if (c === '\\') i += 2;
      else if (c === '$') i = this.dollar(i);
      else if (c === '`') i = this.shell(i + 1, '`');
      else i++;
    }
  }
}

function isName(text: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(text);
}
