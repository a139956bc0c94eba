/**
 * A chapter body (Markdown without front matter) → prose segments and runnable steps.
 * Pure: text in, model out. Uses marked's lexer so fences follow CommonMark exactly.
 */

import { Lexer, type Token, type Tokens } from 'marked';
import type { Expression, JourneyProblem, Segment, Step } from './model.ts';
import { hasOutcomeBlocks, splitProse } from './outcome-text.ts';
import { exportedNames } from './shell.ts';
import { didYouMean, idPattern, parseDuration } from './text.ts';

export { exportedNames } from './shell.ts';

/** Fence languages that make a block a step. */
export const stepLanguages: readonly string[] = ['sh', 'bash', 'shell'];

/** Fence languages a plain tutorial's reader runs too: transcripts, whose `$ ` lines are the commands. */
export const transcriptLanguages: readonly string[] = ['console', 'shell-session', 'terminal'];

/** Attributes a step's info string may carry. */
export const stepAttributes: readonly string[] = ['title', 'when', 'because', 'id', 'timeout', 'optional', 'norun', 'keyboard'];

const flagAttributes = new Set(['optional', 'norun']);

export interface SplitBody {
  segments: Segment[];
  steps: Step[];
  problems: JourneyProblem[];
  /** Conditions of the prose's `<!-- when: ... -->` blocks, to be checked like any expression. */
  proseConditions: Expression[];
}

export interface BodyOrigin {
  /** Path of the chapter file, relative to the journey folder. */
  file: string;
  /** 1-based line of the file on which the body's first line sits. */
  startLine: number;
}

/** How to read the body: `plain` for Markdown written for people (see `plain.ts`), not for hero-journey. */
export interface BodyMode {
  /** Transcripts run their `$ ` lines only; info strings hero-journey does not know are warnings. */
  plain?: boolean;
}

/** Split a chapter body into Markdown segments and steps (fenced `sh`/`bash`/`shell` blocks without `norun`). */
export function splitChapterBody(body: string, origin: BodyOrigin, mode: BodyMode = {}): SplitBody {
  const text = body.replace(/\r\n?/g, '\n');
  const segments: Segment[] = [];
  const steps: Step[] = [];
  const problems: JourneyProblem[] = [];
  const proseConditions: Expression[] = [];
  const lineAt = (offset: number): number => origin.startLine + countNewlines(text, offset);
  const problem = (line: number, message: string, severity: JourneyProblem['severity'] = 'error'): void => {
    problems.push({ loc: { file: origin.file, line }, message, severity });
  };

  let cursor = 0;
  let proseStart = 0;
  const flushProse = (end: number): void => {
    const raw = text.slice(proseStart, end);
    if (hasOutcomeBlocks(raw)) {
      const split = splitProse(raw, origin.file, lineAt(proseStart));
      problems.push(...split.problems);
      for (const piece of split.pieces) if (piece.kind === 'when') proseConditions.push(piece.when);
    }
    const prose = trimBlankLines(raw);
    if (prose) segments.push({ kind: 'markdown', text: prose });
  };

  // Block tokens are all we need; skipping the inline pass keeps loading a journey fast.
  let tokens: Token[];
  try {
    tokens = new Lexer().blockTokens(text);
  } catch (error) {
    // marked recurses per nesting level and per line of some blocks: hostile Markdown overflows the stack.
    if (!(error instanceof RangeError)) throw error;
    problem(origin.startLine, 'the Markdown is nested too deeply or has a block too long to read: split it up');
    return { segments, steps, problems, proseConditions };
  }
  for (const token of tokens) {
    const found = text.indexOf(token.raw, cursor);
    const offset = found === -1 ? cursor : found;
    cursor = offset + token.raw.length;

    if (token.type !== 'code') {
      reportNestedShellBlocks(token, text, offset, lineAt, problem);
      continue;
    }
    const code = token as Tokens.Code;
    if (code.codeBlockStyle === 'indented') continue;
    const fence = parseFence(code.raw);
    const line = lineAt(offset);
    const lang = fence.lang.toLowerCase();
    const transcriptLanguage = mode.plain === true && transcriptLanguages.includes(lang);
    if (!stepLanguages.includes(lang) && !transcriptLanguage) continue;

    const info = mode.plain && /^\{.*\}$/s.test(fence.info) ? parseRunmeAttributes(fence.info) : parseInfoString(fence.info);
    for (const message of info.problems) problem(line, message, mode.plain ? 'warning' : 'error');
    if (!fence.closed) problem(line, `this \`${fence.lang}\` block is never closed: add a closing line ${fence.marker} after its last command`);
    if (info.flags.has('norun')) continue;

    const transcript = mode.plain === true && (transcriptLanguage || isTranscript(code.text)) ? readTranscript(code.text) : undefined;
    if (transcript && transcript.commands.length === 0) continue;

    flushProse(offset);
    proseStart = cursor;

    const index = steps.length;
    const id = info.values.get('id') ?? `step-${index + 1}`;
    const step: Step = {
      id,
      index,
      lang,
      code: transcript ? transcript.commands.join('\n') : code.text,
      optional: info.flags.has('optional'),
      exports: exportedNames(transcript ? transcript.commands.join('\n') : code.text),
      loc: { file: origin.file, line },
    };
    const title = info.values.get('title');
    if (title !== undefined) step.title = title;
    const when = info.values.get('when');
    const because = info.values.get('because');
    if (when !== undefined) step.when = { source: when, loc: { file: origin.file, line }, ...(because ? { because } : {}) };
    else if (because !== undefined) problem(line, '`because` has no effect without `when`', 'warning');
    const keyboard = info.values.get('keyboard');
    if (keyboard === 'line' || keyboard === 'terminal') step.keyboard = keyboard;
    const timeout = info.values.get('timeout');
    if (timeout !== undefined) {
      const seconds = parseDuration(timeout);
      if (seconds === undefined) problem(line, `step timeout \`${timeout}\` is not a duration: write seconds (\`90\`), \`90s\`, \`5m\` or \`1h\``);
      else step.timeout = seconds;
    }
    if (steps.some((other) => other.id === id)) problem(line, `two steps have id \`${id}\` in this chapter; step ids must be unique`);
    if (!code.text.trim()) problem(line, `this \`${fence.lang}\` block is empty: add a command, or remove the block`, 'warning');
    steps.push(step);
    segments.push({ kind: 'step', step });
    // What the transcript printed is shown after the step, as text nobody runs.
    if (transcript && transcript.output.some((outputLine) => outputLine.trim())) {
      segments.push({ kind: 'markdown', text: `${fence.marker}text\n${transcript.output.join('\n')}\n${fence.marker}` });
    }
  }
  flushProse(text.length);
  return { segments, steps, problems, proseConditions };
}

/** A shell block written as a transcript: its first command line starts with a `$ ` prompt. */
export function isTranscript(code: string): boolean {
  const first = code.split('\n').find((line) => line.trim() !== '');
  return first !== undefined && /^\s*\$ /.test(first);
}

/**
 * A transcript's commands (the lines after a `$ ` prompt, with the lines a trailing `\` continues)
 * and its output (every other line: shown, never run).
 */
export function readTranscript(code: string): { commands: string[]; output: string[] } {
  const commands: string[] = [];
  const output: string[] = [];
  let continuing = false;
  for (const line of code.split('\n')) {
    const prompt = /^\s*\$ (.*)$/.exec(line);
    if (continuing) commands[commands.length - 1] += `\n${line}`;
    else if (prompt) commands.push(prompt[1]!);
    else {
      output.push(line);
      continue;
    }
    continuing = /(^|[^\\])\\$/.test(line);
  }
  return { commands, output };
}

/** A parsed info string: the attributes after the language. */
export interface InfoString {
  values: Map<string, string>;
  flags: Set<string>;
  problems: string[];
}

/**
 * Attributes of a fence info string after its language word:
 * `title="Say hello" id=hello timeout=2m when="vars.A == 'b'" optional norun`.
 * Double-quoted values may contain spaces and `\"`; single-quoted values are taken literally.
 */
export function parseInfoString(info: string): InfoString {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const problems: string[] = [];
  let i = 0;
  const seen = new Set<string>();
  while (i < info.length) {
    while (i < info.length && /\s/.test(info[i]!)) i++;
    if (i >= info.length) break;
    const keyMatch = /^[A-Za-z][\w-]*/.exec(info.slice(i));
    if (!keyMatch) {
      const junk = /^\S+/.exec(info.slice(i))![0];
      problems.push(`cannot read \`${junk}\` in the code block's info string: write attributes as \`name=value\` or \`name="a value"\``);
      i += junk.length;
      continue;
    }
    const key = keyMatch[0];
    i += key.length;
    let value: string | undefined;
    if (info[i] === '=') {
      i++;
      const quote = info[i];
      if (quote === '"' || quote === "'") {
        i++;
        let text = '';
        let closed = false;
        while (i < info.length) {
          const c = info[i]!;
          if (quote === '"' && c === '\\' && i + 1 < info.length) {
            text += info[i + 1];
            i += 2;
            continue;
          }
          i++;
          if (c === quote) {
            closed = true;
            break;
          }
          text += c;
        }
        if (!closed) problems.push(`the value of \`${key}\` has no closing ${quote}`);
        value = text;
      } else {
        const bare = /^[^\s]*/.exec(info.slice(i))![0];
        i += bare.length;
        value = bare;
      }
    }
    if (!stepAttributes.includes(key)) {
      problems.push(`unknown step attribute \`${key}\`${didYouMean(key, stepAttributes)} (known: ${stepAttributes.join(', ')})`);
      continue;
    }
    if (seen.has(key)) problems.push(`step attribute \`${key}\` is given twice`);
    seen.add(key);
    if (flagAttributes.has(key)) {
      if (value !== undefined) problems.push(`step attribute \`${key}\` takes no value: write just \`${key}\``);
      flags.add(key);
      continue;
    }
    if (value === undefined || value === '') {
      problems.push(`step attribute \`${key}\` needs a value: \`${key}=...\``);
      continue;
    }
    if (key === 'keyboard' && value !== 'line' && value !== 'terminal') {
      problems.push(`step attribute \`keyboard\` is \`line\` (the step reads lines you type) or \`terminal\` (it needs the whole terminal, as an editor does), not \`${value}\``);
      continue;
    }
    if (key === 'id' && !idPattern.test(value)) {
      problems.push(`step id \`${value}\` may only contain letters, digits, \`-\`, \`_\` and \`.\``);
      continue;
    }
    values.set(key, value);
  }
  return { values, flags, problems };
}

/** Runme attributes that change nothing for a learner here: how Runme's own terminal looks or closes. */
const runmeDisplayAttributes = new Set(['interactive', 'closeTerminalOnSuccess', 'terminalRows', 'mimeType', 'interpreter', 'promptEnv', 'skipPrompts', 'category', 'tag']);

/**
 * Runme's fence attributes, `{name=build excludeFromRunAll=true}` or the JSON form
 * `{"name":"build","excludeFromRunAll":true}`, read as ours where they mean the same: `name` is
 * the step's `id`, `excludeFromRunAll` makes it `optional` (a learner may leave it out). Display
 * attributes are dropped; any other is a warning.
 */
export function parseRunmeAttributes(info: string): InfoString {
  const attributes = new Map<string, string>();
  const problems: string[] = [];
  try {
    const parsed = JSON.parse(info) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [key, value] of Object.entries(parsed)) attributes.set(key, String(value));
    }
  } catch {
    for (const match of info.slice(1, -1).matchAll(/([A-Za-z][\w-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^\s,}]*))/g)) {
      attributes.set(match[1]!, match[2]?.replace(/\\(.)/g, '$1') ?? match[3] ?? match[4] ?? '');
    }
  }
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (const [key, value] of attributes) {
    const on = value === 'true';
    if (key === 'name') {
      const id = value.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '');
      if (id) values.set('id', id);
    } else if (key === 'excludeFromRunAll') {
      if (on) flags.add('optional');
    } else if (key === 'background' && on) {
      problems.push('Runme runs this block in the background (`background=true`); here it runs like any step and must end: start long-running programs with `&` or `nohup`');
    } else if (!runmeDisplayAttributes.has(key) && key !== 'background') {
      problems.push(`Runme attribute \`${key}\` has no meaning here and is ignored (understood: name, excludeFromRunAll)`);
    }
  }
  return { values, flags, problems };
}

interface Fence {
  marker: string;
  lang: string;
  info: string;
  closed: boolean;
}

function parseFence(raw: string): Fence {
  const lines = raw.replace(/\n+$/, '').split('\n');
  const first = lines[0] ?? '';
  const open = /^ {0,3}(`{3,}|~{3,})\s*(\S*)\s*(.*)$/.exec(first);
  const marker = open?.[1] ?? '```';
  const lang = open?.[2] ?? '';
  const info = (open?.[3] ?? '').trim();
  const last = lines.length > 1 ? (lines[lines.length - 1] ?? '') : '';
  const closing = /^ {0,3}(`{3,}|~{3,})\s*$/.exec(last);
  const closed = closing !== null && closing[1]![0] === marker[0] && closing[1]!.length >= marker.length;
  return { marker, lang, info, closed };
}

/** Shell blocks inside lists or quotes stay prose; say so, since the author probably meant a step. */
function reportNestedShellBlocks(
  token: Token,
  text: string,
  offset: number,
  lineAt: (offset: number) => number,
  problem: (line: number, message: string, severity?: JourneyProblem['severity']) => void,
): void {
  const nested: Tokens.Code[] = [];
  const walk = (tokens: Token[] | undefined): void => {
    for (const child of tokens ?? []) {
      if (child.type === 'code') nested.push(child as Tokens.Code);
      if (child.type === 'list') for (const item of (child as Tokens.List).items) walk(item.tokens);
      walk((child as { tokens?: Token[] }).tokens);
    }
  };
  if (token.type === 'list') for (const item of (token as Tokens.List).items) walk(item.tokens);
  else if (token.type === 'blockquote') walk((token as Tokens.Blockquote).tokens);
  let from = offset;
  for (const code of nested) {
    if (code.codeBlockStyle === 'indented') continue;
    const firstLine = (code.raw.split('\n')[0] ?? '').trim();
    const fence = parseFence(firstLine);
    if (!stepLanguages.includes(fence.lang.toLowerCase())) continue;
    if (/(^|\s)norun(\s|$)/.test(fence.info)) continue;
    const at = text.indexOf(firstLine, from);
    const line = lineAt(at === -1 ? offset : at);
    if (at !== -1) from = at + firstLine.length;
    problem(
      line,
      `this \`${fence.lang}\` block is inside a list or quote, so it is shown but not run as a step: move it to the top level (no indentation), or add \`norun\``,
      'warning',
    );
  }
}

/** A fence longer than any run of backticks in the code. */
export function fenceFor(code: string): string {
  const longest = Math.max(0, ...[...code.matchAll(/`+/g)].map((match) => match[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

/** How many line breaks `text` has before `end`. */
export function countNewlines(text: string, end: number): number {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
  return count;
}

function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\n)+/, '').trimEnd();
}
