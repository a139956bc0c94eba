import type { Style, Theme } from './theme.ts';

/*
 * A small shell highlighter for steps. highlight.js's bash grammar leaves command names
 * plain and colours `set`/`wait`/`true` inside flags such as `--set` and `--wait`, which is
 * what most Kubernetes commands are made of. This one knows the shape of a command line:
 * command words, flags, strings, variables, operators, comments and here-documents.
 */

/** Info-string languages that are shell scripts (the ones steps are written in). */
export const SHELL_LANGUAGES: ReadonlySet<string> = new Set(['sh', 'bash', 'shell', 'zsh', 'ksh', 'shell-script']);

const KEYWORDS = new Set([
  'if', 'then', 'else', 'elif', 'fi', 'for', 'while', 'until', 'do', 'done', 'case', 'esac', 'in',
  'function', 'select', 'time', '!', '{', '}', '[[', ']]',
]);
// After these a new command starts.
const KEYWORDS_BEFORE_COMMAND = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', 'time', '!', '{']);

interface ShellStyles {
  command: Style;
  keyword: Style;
  flag: Style;
  string: Style;
  variable: Style;
  comment: Style;
  operator: Style;
}

/** Colour a shell script for display; every line is styled on its own. */
export function highlightShell(code: string, theme: Theme): string {
  const c = theme.chalk;
  const styles: ShellStyles = {
    command: c.bold,
    keyword: c.magenta,
    flag: c.cyan,
    string: c.green,
    variable: c.yellow,
    comment: c.dim,
    operator: c.magenta,
  };
  const out: string[] = [];
  let heredoc: { tag: string; strip: boolean } | undefined;
  let pendingHeredoc: { tag: string; strip: boolean } | undefined;
  let commandNext = true;
  let openQuote: "'" | '"' | undefined;

  for (const line of code.split('\n')) {
    if (heredoc) {
      const ended = (heredoc.strip ? line.replace(/^\t+/, '') : line) === heredoc.tag;
      out.push(ended ? styles.operator(line) : line ? styles.string(line) : line);
      if (ended) {
        heredoc = undefined;
        commandNext = true;
      }
      continue;
    }
    let result = '';
    let i = 0;
    if (openQuote) {
      const end = findQuoteEnd(line, 0, openQuote);
      const stop = end < 0 ? line.length : end + 1;
      result += quoted(line.slice(0, stop), openQuote, styles);
      i = stop;
      if (end >= 0) openQuote = undefined;
    }
    while (i < line.length) {
      const rest = line.slice(i);
      const space = /^\s+/.exec(rest);
      if (space) {
        result += space[0];
        i += space[0].length;
        continue;
      }
      if (rest.startsWith('#') && (i === 0 || /\s/.test(line[i - 1] ?? ''))) {
        result += styles.comment(rest);
        break;
      }
      if (rest === '\\') {
        // A continued line: the command goes on, so the next word is not a command.
        result += styles.operator(rest);
        i += 1;
        continue;
      }
      const here = /^<<(-?)\s*(['"]?)([A-Za-z_][\w-]*)\2/.exec(rest);
      if (here?.[3]) {
        pendingHeredoc = { tag: here[3], strip: here[1] === '-' };
        result += styles.operator(here[0]);
        i += here[0].length;
        continue;
      }
      const operator = /^(?:&&|\|\||;;|\$\(|[|;&()]|\d?>>?|&>|<)/.exec(rest);
      if (operator) {
        result += styles.operator(operator[0]);
        i += operator[0].length;
        if (/^(?:&&|\|\||;;|\$\(|[|;&(])$/.test(operator[0])) commandNext = true;
        continue;
      }
      if (rest[0] === "'" || rest[0] === '"') {
        const quote = rest[0];
        const end = findQuoteEnd(line, i + 1, quote);
        const stop = end < 0 ? line.length : end + 1;
        result += quoted(line.slice(i, stop), quote, styles);
        if (end < 0) openQuote = quote;
        i = stop;
        commandNext = false;
        continue;
      }
      const word = /^[^\s|;&()<>'"]+/.exec(rest)?.[0] ?? rest.slice(0, 1);
      i += word.length;
      result += styleWord(word, commandNext, styles);
      if (commandNext) {
        if (/^[A-Za-z_]\w*=/.test(word)) continue; // VAR=value cmd
        commandNext = KEYWORDS.has(word) ? KEYWORDS_BEFORE_COMMAND.has(word) : false;
      }
    }
    out.push(result);
    if (pendingHeredoc) {
      heredoc = pendingHeredoc;
      pendingHeredoc = undefined;
    }
    if (!line.trimEnd().endsWith('\\') && !openQuote) commandNext = true;
  }
  return out.join('\n');
}

function styleWord(word: string, commandNext: boolean, styles: ShellStyles): string {
  if (commandNext) {
    const assignment = /^([A-Za-z_]\w*)=(.*)$/.exec(word);
    if (assignment) return styles.variable(assignment[1] ?? '') + '=' + variables(assignment[2] ?? '', styles);
    if (KEYWORDS.has(word)) return styles.keyword(word);
    return styles.command(word);
  }
  if (/^--?[A-Za-z]/.test(word)) {
    const eq = word.indexOf('=');
    return eq < 0 ? styles.flag(word) : styles.flag(word.slice(0, eq)) + '=' + variables(word.slice(eq + 1), styles);
  }
  return variables(word, styles);
}

/** Plain text with `$VAR`, `${VAR}` and `$1` shown as variables. */
function variables(text: string, styles: ShellStyles, around: Style = (s) => s): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(/\$(?:\{[^}]*\}|[A-Za-z_]\w*|[0-9?@#$!*-])/g)) {
    out += around(text.slice(last, match.index)) + styles.variable(match[0]);
    last = match.index + match[0].length;
  }
  return out + around(text.slice(last));
}

function quoted(text: string, quote: "'" | '"', styles: ShellStyles): string {
  // Single quotes keep `$` literal; double quotes expand variables.
  return quote === "'" ? styles.string(text) : variables(text, styles, styles.string);
}

function findQuoteEnd(line: string, from: number, quote: "'" | '"'): number {
  for (let i = from; i < line.length; i++) {
    if (quote === '"' && line[i] === '\\') {
      i++;
      continue;
    }
    if (line[i] === quote) return i;
  }
  return -1;
}
