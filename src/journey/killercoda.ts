/**
 * A Killercoda (or Katacoda) scenario folder → the journey it plays as. Pure: file texts in, model out.
 *
 * - `index.json`: `title`; `details.intro`, `details.steps[]`, `details.finish`, each with `text`
 *   (a Markdown page), and optional `background`/`foreground` scripts (Katacoda: `courseData`,
 *   `code`) and, for steps, a `verify` script. Chapters are `intro`, `step1`, ..., `finish`, in
 *   that order, each leading to the next.
 * - In the pages, only what the scenario marks runs: a code block closed with ```` ```{{exec}} ````
 *   and inline `` `command`{{exec}} `` are steps; `{{copy}}` and unmarked blocks are shown.
 * - Scripts are code from the scenario like any step: `background`/`foreground` become the
 *   chapter's first steps and `verify` its last one, each shown before it runs and run only when
 *   the learner says so (or `--yes`). A verify script cannot be proved read-only, so it is never
 *   a check: `hero-journey check` and an instructor's `verify` never run it.
 */

import { posix } from 'node:path';
import type { ParsedChapter } from './chapter.ts';
import type { ParsedJourneyFile } from './load.ts';
import { fenceFor, stepLanguages, transcriptLanguages } from './markdown.ts';
import type { JourneyProblem } from './model.ts';
import { readPage, type Infer, type PlainJourney } from './plain.ts';
import { dict } from '../dict.ts';

/** Most steps a scenario's index.json may list: Killercoda's scenarios have a few dozen at most. */
export const MAX_SCENARIO_STEPS = 200;

/** One page of a scenario, as index.json lists it. */
export interface ScenarioPage {
  id: string;
  title?: string;
  text?: string;
  /** Scripts that prepare the page (run first), and the one that verifies it (run last). */
  prepare: string[];
  verify?: string;
}

/** index.json, read: the pages in order, and what is wrong with it. */
export interface ScenarioIndex {
  title?: string;
  description?: string;
  pages: ScenarioPage[];
  problems: JourneyProblem[];
}

/** Read index.json: the pages in order, and what is wrong with it. */
export function readScenarioIndex(text: string): ScenarioIndex {
  const problems: JourneyProblem[] = [];
  const problem = (message: string): void => void problems.push({ loc: { file: 'index.json', line: 1 }, message, severity: 'error' });
  let index: unknown;
  try {
    index = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    problem(`index.json is not valid JSON: ${(error as Error).message}`);
    return { pages: [], problems };
  }
  const details = isObject(index) && isObject(index.details) ? index.details : undefined;
  if (!details || !Array.isArray(details.steps)) {
    problem('index.json has no `details.steps` list: a scenario lists its steps there, each with a `text` page');
    return { pages: [], problems };
  }
  const pages: ScenarioPage[] = [];
  const page = (id: string, entry: unknown, what: string): void => {
    if (!isObject(entry)) return problem(`${what} in index.json must be an object with \`text\``);
    const scripts = (...keys: string[]) => keys.map((key) => entry[key]).filter((value): value is string => typeof value === 'string' && value.trim() !== '');
    const text = typeof entry.text === 'string' ? entry.text : undefined;
    for (const path of [text, ...scripts('background', 'foreground', 'courseData', 'code', 'verify')]) {
      if (path !== undefined && !insideFolder(path)) problem(`${what}: \`${path}\` is outside the scenario folder: a scenario may only use its own files`);
    }
    if (text === undefined) problem(`${what} in index.json has no \`text\` page`);
    const verify = scripts('verify')[0];
    pages.push({
      id,
      ...(typeof entry.title === 'string' && entry.title.trim() ? { title: entry.title.trim() } : {}),
      ...(text !== undefined && insideFolder(text) ? { text: posix.normalize(text) } : {}),
      prepare: scripts('background', 'courseData', 'foreground', 'code').filter(insideFolder).map((path) => posix.normalize(path)),
      ...(verify !== undefined && insideFolder(verify) ? { verify: posix.normalize(verify) } : {}),
    });
  };
  if (details.intro !== undefined) page('intro', details.intro, '`details.intro`');
  // Only the steps a scenario may have are read: a list of a million steps costs no more than its first MAX_SCENARIO_STEPS.
  if (details.steps.length > MAX_SCENARIO_STEPS) {
    problem(`index.json lists ${details.steps.length} steps in \`details.steps\`: a scenario may have at most ${MAX_SCENARIO_STEPS}, so hero-journey reads none of it; split it into scenarios of at most ${MAX_SCENARIO_STEPS} steps each`);
    return { ...(isObject(index) && typeof index.title === 'string' ? { title: index.title } : {}), pages: [], problems };
  }
  details.steps.forEach((entry: unknown, index: number) => page(`step${index + 1}`, entry, `step ${index + 1}`));
  if (details.finish !== undefined) page('finish', details.finish, '`details.finish`');
  if (details.steps.length === 0) problem('index.json lists no steps');
  return {
    ...(isObject(index) && typeof index.title === 'string' ? { title: index.title } : {}),
    ...(isObject(index) && typeof index.description === 'string' && index.description.trim() ? { description: index.description.trim() } : {}),
    pages,
    problems,
  };
}

/** Every file a scenario's index names: its pages and scripts. */
export function scenarioFiles(pages: readonly ScenarioPage[]): string[] {
  return [...new Set(pages.flatMap((page) => [...(page.text ? [page.text] : []), ...page.prepare, ...(page.verify ? [page.verify] : [])]))];
}

/** Infer the journey of a scenario from its index.json, read (`readScenarioIndex`), and the files it names (`files`: path → text). */
export function inferScenario(folderName: string, index: ScenarioIndex, files: ReadonlyMap<string, string>): PlainJourney {
  const { title, pages } = index;
  const problems = [...index.problems];
  const inferences: PlainJourney['inferences'] = [];
  const infer: Infer = (file, line, message, kind = 'inferred') => void inferences.push({ loc: { file, line }, message, kind });
  const id = folderName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'scenario';
  const journeyFile: ParsedJourneyFile = {
    journey: { id, title: title ?? id, start: pages[0]?.id ?? '', phases: [], inputs: [], vars: dict(), tools: [], oneTerminal: true },
    problems,
    refs: [],
    expressions: [],
  };
  infer('index.json', 1, `a Killercoda scenario: journey id \`${id}\` from the folder name, chapters ${pages.map((page) => page.id).join(', ')} in the order index.json lists them`);

  const chapters: ParsedChapter[] = [];
  pages.forEach((page, index) => {
    const file = page.text ?? 'index.json';
    const missing = (path: string): void => void problems.push({ loc: { file: 'index.json', line: 1 }, message: `\`${path}\`, named by ${page.id} in index.json, does not exist`, severity: 'error' });
    for (const path of [...(page.text ? [page.text] : []), ...page.prepare, ...(page.verify ? [page.verify] : [])]) if (!files.has(path)) missing(path);
    const rewritten = markedSteps(files.get(file) ?? '', page, files);
    const at = (line: number): number => rewritten.lines[line - 1] ?? 1;
    const parsed = readPage(file, rewritten.text, files, (f, line, message, kind) => infer(f, at(line), message, kind), { links: false });
    const { chapter } = parsed;
    chapter.id = page.id;
    if (page.title) chapter.title = page.title;
    for (const step of chapter.steps) {
      const script = rewritten.scripts.get(step.loc.line);
      step.loc = script ? { file: script, line: 1 } : { file, line: at(step.loc.line) };
    }
    for (const problem of parsed.problems) problem.loc = { file: problem.loc.file, line: at(problem.loc.line) };
    for (const input of chapter.inputs) input.loc = { file, line: at(input.loc.line) };
    for (const script of page.prepare) infer(script, 1, `the script that prepares ${page.id} is its first step: shown, and run when you say so`);
    if (page.verify) infer(page.verify, 1, `the verify script of ${page.id} is its last step (a script cannot be proved read-only, so it is never a check)`);
    const next = pages[index + 1];
    if (next) {
      chapter.next = [{ goto: next.id, loc: { file: 'index.json', line: 1 } }];
      parsed.refs.push({ id: next.id, written: next.id, role: '`next`', file: 'index.json', line: 1 });
    }
    chapters.push(parsed);
  });
  return { journeyFile, chapters, inferences };
}

/**
 * The page as plain Markdown: blocks marked `{{exec}}` become `sh` steps, inline `` `cmd`{{exec}} ``
 * a step after its paragraph, other shell blocks `norun`, and the scripts steps before and after.
 * `lines[n]` is the page line that line n+1 of the result came from; `scripts` maps a script step's
 * fence line to the script's file.
 */
export function markedSteps(source: string, page: ScenarioPage, files: ReadonlyMap<string, string>): { text: string; lines: number[]; scripts: Map<number, string> } {
  const out: string[] = [];
  const lines: number[] = [];
  const scripts = new Map<number, string>();
  const push = (line: string, from: number): void => {
    out.push(line);
    lines.push(from);
  };
  const script = (path: string, title: string, from: number): void => {
    const code = (files.get(path) ?? '').replace(/\r\n?/g, '\n').replace(/\n+$/, '');
    const fence = fenceFor(code);
    push('', from);
    scripts.set(out.length + 1, path);
    push(`${fence}sh title="${title}: ${path.replace(/["\\]/g, '')}"`, from);
    for (const line of code.split('\n')) push(line, from);
    push(fence, from);
    push('', from);
  };
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').split('\n');
  for (const path of page.prepare) script(path, 'Prepare', 1);

  let pending: { code: string; line: number }[] = [];
  const flush = (): void => {
    for (const command of pending) {
      push('', command.line);
      push('```sh', command.line);
      push(command.code, command.line);
      push('```', command.line);
    }
    if (pending.length > 0) push('', pending.at(-1)!.line);
    pending = [];
  };
  for (let i = 0; i < text.length; i++) {
    const line = text[i]!;
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^\s`{]*)(.*)$/.exec(line);
    if (open) {
      flush();
      const [, indent, marker, lang] = open;
      let close = i + 1;
      const closing = new RegExp(`^ {0,3}${marker![0] === '`' ? '`' : '~'}{${marker!.length},}\\s*(\\{\\{\\s*(exec|execute|copy)[^}]*\\}\\})?\\s*$`);
      while (close < text.length && !closing.test(text[close]!)) close++;
      const mark = close < text.length ? closing.exec(text[close]!)?.[2] : undefined;
      const runs = mark === 'exec' || mark === 'execute';
      const shell = stepLanguages.includes(lang!.toLowerCase()) || transcriptLanguages.includes(lang!.toLowerCase());
      push(runs ? `${indent}${marker}sh` : shell ? `${line} norun` : line, i + 1);
      for (let j = i + 1; j < close && j < text.length; j++) push(text[j]!, j + 1);
      if (close < text.length) push(`${indent}${marker}`, close + 1);
      i = close;
      continue;
    }
    if (line.trim() === '') flush();
    push(
      line.replace(/`([^`\n]+)`\{\{\s*(exec|execute|copy)[^}]*\}\}/g, (_whole, code: string, mark: string) => {
        if (mark !== 'copy') pending.push({ code, line: i + 1 });
        return `\`${code}\``;
      }),
      i + 1,
    );
  }
  flush();
  if (page.verify) script(page.verify, 'Verify', text.length);
  return { text: out.join('\n'), lines, scripts };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function insideFolder(path: string): boolean {
  const normal = posix.normalize(path);
  return !path.startsWith('/') && normal !== '..' && !normal.startsWith('../') && !path.includes('\\') && !path.includes('\0');
}
