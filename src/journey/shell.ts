/**
 * Just enough of a bash reader to tell which variables a step `export`s.
 * It splits the code into simple commands and words, honouring quotes, escapes,
 * `$(...)`, `${...}`, backticks, comments, here-documents and `( subshells )`,
 * whose exports do not reach the step's shell and are therefore ignored.
 */

import { variableNamePattern } from './text.ts';

export interface Command {
  words: string[];
  /** Inside `( ... )`: exports there do not survive the subshell. */
  subshell: boolean;
  /** 0-based line of the command's first word within the code. */
  line: number;
  /** Its output goes into the next command through `|` or `|&`. */
  pipe: boolean;
  /** The code of each `$(...)` and backtick substitution in its words, with the line where that code starts. */
  substitutions: { code: string; line: number }[];
}

const commandPrefixes = new Set(['!', '{', '}', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'command', 'builtin']);

/** Variable names that `code` exports: `export A=1`, `export A B`, `declare -x A=`, `typeset -gx A`. */
export function exportedNames(code: string): string[] {
  const names: string[] = [];
  for (const command of splitCommands(code)) {
    if (command.subshell) continue;
    for (const name of namesExportedBy(command.words)) {
      if (!names.includes(name)) names.push(name);
    }
  }
  return names;
}

function namesExportedBy(allWords: string[]): string[] {
  let words = allWords;
  // Skip reserved words and leading assignments (`A=1 export B` is legal, if odd).
  while (words.length > 0 && (commandPrefixes.has(words[0]!) || isAssignment(words[0]!))) words = words.slice(1);
  const [verb, ...args] = words;
  if (verb !== 'export' && verb !== 'declare' && verb !== 'typeset') return [];
  let exporting = verb === 'export';
  const names: string[] = [];
  let optionsDone = false;
  for (const arg of args) {
    if (!optionsDone && arg === '--') {
      optionsDone = true;
      continue;
    }
    if (!optionsDone && /^[-+][A-Za-z]+$/.test(arg)) {
      const flags = arg.slice(1);
      // `export -n` un-exports, `-f`/`-F` are about functions, `-p` prints.
      if (/[nfFp]/.test(flags)) return [];
      if (arg.startsWith('-') && flags.includes('x')) exporting = true;
      if (arg.startsWith('+') && flags.includes('x')) return [];
      continue;
    }
    optionsDone = true;
    const name = arg.split('=', 1)[0]!;
    if (variableNamePattern.test(name)) names.push(name);
  }
  return exporting ? names : [];
}

function isAssignment(word: string): boolean {
  const index = word.indexOf('=');
  return index > 0 && variableNamePattern.test(word.slice(0, index));
}

/** Split bash code into simple commands of cooked words (quotes removed, substitutions kept raw). */
export function splitCommands(code: string): Command[] {
  const commands: Command[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let depth = 0;
  const pendingHeredocs: { delimiter: string; stripTabs: boolean }[] = [];
  let i = 0;
  let start = -1;
  let substitutions: Command['substitutions'] = [];
  const lineAt = (index: number): number => {
    let line = 0;
    for (let j = code.indexOf('\n'); j !== -1 && j < index; j = code.indexOf('\n', j + 1)) line++;
    return line;
  };
  const substitution = (from: number, to: number): void => {
    substitutions.push({ code: code.slice(from, to), line: lineAt(from) });
  };
  // Marks where the current command starts, the first time one of its words begins.
  const begin = (): void => {
    if (start === -1) start = i;
  };

  const endWord = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (pipe = false): void => {
    endWord();
    if (words.length > 0) commands.push({ words, subshell: depth > 0, line: lineAt(start), pipe, substitutions });
    words = [];
    substitutions = [];
    start = -1;
  };

  while (i < code.length) {
    const c = code[i]!;
    if (c === '\\') {
      if (code[i + 1] === '\n') {
        i += 2;
        continue;
      }
      begin();
      word = (word ?? '') + (code[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (c === '\n') {
      endCommand();
      i++;
      // Here-document bodies start on the line after their `<<WORD`.
      for (const heredoc of pendingHeredocs.splice(0)) i = skipHeredoc(code, i, heredoc.delimiter, heredoc.stripTabs);
      continue;
    }
    if (c === ' ' || c === '\t') {
      endWord();
      i++;
      continue;
    }
    if (c === '#' && word === undefined) {
      while (i < code.length && code[i] !== '\n') i++;
      continue;
    }
    if (c === '|' && code[i + 1] !== '|') {
      endCommand(true);
      i += code[i + 1] === '&' ? 2 : 1;
      continue;
    }
    if (c === ';' || c === '&' || c === '|') {
      endCommand();
      i += (c === '&' || c === '|') && code[i + 1] === c ? 2 : 1;
      continue;
    }
    if (c === '(') {
      endCommand();
      depth++;
      i++;
      continue;
    }
    if (c === ')') {
      endCommand();
      depth = Math.max(0, depth - 1);
      i++;
      continue;
    }
    if (c === '<' && code.startsWith('<<', i) && !code.startsWith('<<<', i)) {
      endWord();
      let j = i + 2;
      const stripTabs = code[j] === '-';
      if (stripTabs) j++;
      while (code[j] === ' ' || code[j] === '\t') j++;
      const start = j;
      while (j < code.length && !/[\s;&|<>()]/.test(code[j]!)) j++;
      const delimiter = code.slice(start, j).replace(/["'\\]/g, '');
      if (delimiter) pendingHeredocs.push({ delimiter, stripTabs });
      i = j;
      continue;
    }
    begin();
    if (c === "'") {
      const end = code.indexOf("'", i + 1);
      const stop = end === -1 ? code.length : end;
      word = (word ?? '') + code.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '"') {
      const stop = skipDoubleQuoted(code, i + 1, substitution);
      word = (word ?? '') + code.slice(i + 1, stop);
      i = stop + 1;
      continue;
    }
    if (c === '$' && (code[i + 1] === '(' || code[i + 1] === '{')) {
      const stop = skipBalanced(code, i + 1);
      if (code[i + 1] === '(' && code[i + 2] !== '(') substitution(i + 2, stop - 1);
      word = (word ?? '') + code.slice(i, stop);
      i = stop;
      continue;
    }
    if (c === '`') {
      const stop = skipBacktick(code, i + 1);
      substitution(i + 1, stop - 1);
      word = (word ?? '') + code.slice(i, stop);
      i = stop;
      continue;
    }
    word = (word ?? '') + c;
    i++;
  }
  endCommand();
  return commands;
}

/** Index of the closing `"` of a double-quoted string whose content starts at `i`; `onSubstitution` gets each `$(...)` and backtick body. */
function skipDoubleQuoted(code: string, i: number, onSubstitution?: (from: number, to: number) => void): number {
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\\') i += 2;
    else if (c === '"') return i;
    else if (c === '$' && (code[i + 1] === '(' || code[i + 1] === '{')) {
      const stop = skipBalanced(code, i + 1);
      if (code[i + 1] === '(' && code[i + 2] !== '(') onSubstitution?.(i + 2, stop - 1);
      i = stop;
    } else if (c === '`') {
      const stop = skipBacktick(code, i + 1);
      onSubstitution?.(i + 1, stop - 1);
      i = stop;
    } else i++;
  }
  return code.length;
}

/** Index just after the bracket that closes the `(` or `{` at `i`. */
function skipBalanced(code: string, i: number): number {
  const open = code[i]!;
  const close = open === '(' ? ')' : '}';
  let depth = 0;
  while (i < code.length) {
    const c = code[i]!;
    if (c === '\\') {
      i += 2;
      continue;
    }
    if (c === "'" && open === '(') {
      const end = code.indexOf("'", i + 1);
      i = end === -1 ? code.length : end + 1;
      continue;
    }
    if (c === '"') {
      i = skipDoubleQuoted(code, i + 1) + 1;
      continue;
    }
    if (c === '`') {
      i = skipBacktick(code, i + 1);
      continue;
    }
    if (c === open) depth++;
    else if (c === close) {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return code.length;
}

/** Index just after the backtick that closes a command substitution whose content starts at `i`. */
function skipBacktick(code: string, i: number): number {
  while (i < code.length) {
    if (code[i] === '\\') i += 2;
    else if (code[i] === '`') return i + 1;
    else i++;
  }
  return code.length;
}

/** Index of the first line after a here-document body that starts at `i`. */
function skipHeredoc(code: string, i: number, delimiter: string, stripTabs: boolean): number {
  while (i < code.length) {
    const newline = code.indexOf('\n', i);
    const end = newline === -1 ? code.length : newline;
    let line = code.slice(i, end);
    if (stripTabs) line = line.replace(/^\t+/, '');
    i = end + 1;
    if (line === delimiter) return i;
  }
  return code.length;
}

/** Names a step assigns at the start of a line (`NAME=value`, `export NAME=value`). */
export function assignedNames(code: string): string[] {
  return [...code.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((match) => match[1]!);
}
