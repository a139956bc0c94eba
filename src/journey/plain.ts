/**
 * A plain tutorial (a folder of Markdown written for GitHub, without journey.yaml or front matter)
 * → the same parsed journey the loader makes from a journey folder, plus what was inferred and
 * where, so lint can show it and an author can make it explicit. Pure: file texts in, model out.
 *
 * What is inferred:
 * - the journey: id from the folder name, title from the start page's first heading, start at
 *   README.md (or index.md);
 * - a chapter: every page reached from the start through choices and `next`; title from its first
 *   heading (a page with front matter is read as a chapter file);
 * - choices: a list of two or more links to pages that closes a page, or that follows a heading
 *   ending in `?`; labels from the link text, summaries from the text after the link;
 * - next: one link to a page in the page's last paragraph, worded like "continue" / "next";
 * - entry points: parts of the tutorial that each start on their own (see `entryPoints`): two or
 *   more make the start page a choice point that offers them, and each is a chapter for `--from`;
 * - steps: `sh`, `bash`, `shell` and `console` blocks; in transcripts only `$ ` lines run;
 * - inputs: placeholders in steps (`<your-domain>`, `YOUR_TOKEN`, `export X=[...]`).
 */

import { posix } from 'node:path';
import { Lexer, type Token, type Tokens } from 'marked';
import { isMap, isScalar, parseDocument } from '../yaml.ts';
import { chapterKeys, MAX_FILE_CHARACTERS, parseChapter, splitFrontMatter, type ChapterRef, type ParsedChapter } from './chapter.ts';
import type { ParsedJourneyFile } from './load.ts';
import { countNewlines, isTranscript, splitChapterBody } from './markdown.ts';
import type { Chapter, Choice, Inference, JourneyProblem, Step } from './model.ts';
import { inferredNotice, startPages } from './files.ts';
import { chapterIdFromPath } from './ids.ts';
import { sortProblems } from './problems.ts';
import { assignedNames, exportedNames } from './shell.ts';

export { assignedNames } from './shell.ts';
import { dict } from '../dict.ts';

export type { Inference } from './model.ts';

/** A plain tutorial, read. */
export interface PlainJourney {
  journeyFile: ParsedJourneyFile;
  chapters: ParsedChapter[];
  inferences: Inference[];
}

export { inferredNotice, startPages };


/** The chapter id of a page: the root README is `README`, otherwise as in a journey (`x/README.md` is `x`). */
export function plainChapterId(file: string): string {
  return chapterIdFromPath(file) || posix.basename(file, posix.extname(file));
}

/** Infer a journey from the Markdown files of a folder (`files`: relative path with `/` → text). */
export function inferJourney(folderName: string, files: ReadonlyMap<string, string>): PlainJourney {
  const inferences: Inference[] = [];
  const infer = (file: string, line: number, message: string, kind: Inference['kind'] = 'inferred'): void => {
    inferences.push({ loc: { file, line }, message, kind });
  };
  const start = startPages.find((page) => files.has(page)) ?? '';
  const id = folderName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'tutorial';
  const journeyFile: ParsedJourneyFile = {
    journey: { id, title: id, start: plainChapterId(start), phases: [], inputs: [], vars: dict(), tools: [], oneTerminal: true },
    problems: [],
    refs: [],
    expressions: [],
  };
  infer(start, 0, `journey id \`${id}\` from the folder name; the journey starts here`);

  // Each page is read once; what it infers is recorded only when it turns out to be a chapter.
  const read = new Map<string, { parsed: ParsedChapter; inferences: Inference[] }>();
  const page = (file: string): ParsedChapter => {
    let entry = read.get(file);
    if (!entry) {
      const recorded: Inference[] = [];
      entry = { parsed: readPage(file, files.get(file) ?? '', files, (f, line, message, kind = 'inferred') => void recorded.push({ loc: { file: f, line }, message, kind })), inferences: recorded };
      read.set(file, entry);
    }
    return entry.parsed;
  };
  /** The pages reached from `from` through choices and `next`, in the order a reader meets them. */
  const walk = (from: string): string[] => {
    const order = [from];
    const seen = new Set(order);
    for (let index = 0; index < order.length; index++) {
      const { chapter } = page(order[index]!);
      for (const target of [...chapter.choices.map((choice) => choice.goto), ...chapter.next.map((rule) => rule.goto)]) {
        const targetFile = fileOfChapter(target, files);
        if (targetFile && !seen.has(targetFile)) {
          seen.add(targetFile);
          order.push(targetFile);
        }
      }
    }
    return order;
  };
  const entries = offerEntryPoints(page(start), files, (from) => new Set(walk(from)), infer);
  // A list of links to the parts is the choice now, no longer a list that may be one.
  const startRead = read.get(start)!;
  startRead.inferences = startRead.inferences.filter((inference) => !(inference.kind === 'undecided' && inference.message.startsWith('a list of') && entries.some((entry) => entry.line === inference.loc.line)));
  const chapterFiles = walk(start);
  const chapters = chapterFiles.map((file) => read.get(file)!.parsed);
  for (const file of chapterFiles) inferences.push(...read.get(file)!.inferences);
  const seen = new Set(chapterFiles);
  const startChapter = chapters[0]?.chapter;
  if (startChapter) {
    journeyFile.journey.title = startChapter.title;
    infer(start, 1, `journey title "${startChapter.title}" from the first heading`);
  }
  // Pages linked from chapters that no choice or `next` leads to are documentation, not chapters.
  for (const parsed of chapters) {
    for (const link of pageLinks(parsed.chapter.file, files.get(parsed.chapter.file) ?? '', files)) {
      if (!seen.has(link.file)) {
        seen.add(link.file);
        infer(parsed.chapter.file, link.line, `\`${link.file}\` is linked but not a chapter: no closing choice list or "continue" link leads to it`, 'undecided');
      }
    }
  }
  return { journeyFile, chapters, inferences: inferences.sort((a, b) => (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : a.loc.line - b.loc.line)) };
}

function fileOfChapter(id: string, files: ReadonlyMap<string, string>): string | undefined {
  for (const candidate of [`${id}.md`, `${id}/README.md`, `${id}/readme.md`, `${id}/index.md`, id === 'README' ? 'README.md' : '']) {
    if (candidate && files.has(candidate)) return candidate;
  }
  return undefined;
}

/** Records one inference (or undecided point) at `file:line`. */
export type Infer = (file: string, line: number, message: string, kind?: Inference['kind']) => void;

/**
 * One page → a chapter: its own front matter when it has some, otherwise everything inferred.
 * `links: false` leaves choices and `next` to the caller (a scenario's order says them).
 */
export function readPage(file: string, source: string, files: ReadonlyMap<string, string>, infer: Infer, options: { links?: boolean } = {}): ParsedChapter {
  const original = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const id = plainChapterId(file);
  const site = original.length > MAX_FILE_CHARACTERS ? undefined : siteFrontMatter(original, file);
  const text = site?.text ?? original;
  if (!site && (text.length > MAX_FILE_CHARACTERS || !('error' in splitFrontMatter(text)))) {
    const { text: chapterText, warnings } = withoutSiteKeys(text, file);
    const parsed = parseChapter(chapterText, file);
    parsed.chapter.id = id;
    parsed.problems = sortProblems([...parsed.problems, ...warnings]);
    if (warnings.length > 0) parsed.siteFrontMatter = true;
    return parsed;
  }
  const chapter: Chapter = { id, file, title: id, inputs: [], choices: [], next: [], checks: [], segments: [], steps: [], bodyLine: 1, loc: { file, line: 1 } };
  const parsed: ParsedChapter = { chapter, problems: [...(site?.warnings ?? [])], refs: [], expressions: [], uses: [], readable: true, ...(site ? { siteFrontMatter: true } : {}) };
  const split = splitChapterBody(text, { file, startLine: 1 }, { plain: true });
  chapter.segments = split.segments;
  chapter.steps = split.steps;
  parsed.problems.push(...split.problems);
  for (const step of split.steps) {
    if (step.when) parsed.expressions.push({ expr: step.when, scope: 'condition', role: `\`when\` of step \`${step.id}\`` });
  }

  const tokens = blockTokens(text);
  const heading = tokens.find((token): token is Tokens.Heading & { line: number; offset: number } => token.type === 'heading');
  if (site?.title) {
    chapter.title = site.title;
    infer(file, site.titleLine, `chapter title "${chapter.title}" from the front matter`);
  } else if (heading) {
    chapter.title = heading.text.replace(/[*_`]/g, '').trim() || id;
    infer(file, heading.line, `chapter title "${chapter.title}" from the first heading`);
  } else {
    infer(file, 1, `no heading: the chapter is titled \`${id}\` after its file`, 'undecided');
  }
  if (options.links !== false) readEnding(file, tokens, files, chapter, parsed.refs, infer);
  const sections = conditionalSections(tokens, text);
  for (const step of chapter.steps) {
    const transcript = isTranscript(sourceLines(text, step.loc.line + 1)) ? ' (a transcript: its `$ ` lines run, the rest is output)' : '';
    infer(file, step.loc.line, `step ${step.index + 1} from a \`${step.lang}\` block${transcript}`);
    for (const input of placeholderInputs(step)) {
      infer(file, step.loc.line, `input \`${input.name}\` for the placeholder \`${input.placeholder}\`; it is asked once and remembered`);
      step.code = input.code;
      if (!chapter.inputs.some((other) => other.name === input.name)) {
        chapter.inputs.push({ name: input.name, prompt: input.prompt, secret: /TOKEN|PASSWORD|SECRET|KEY/.test(input.name), loc: { file, line: step.loc.line } });
      }
    }
    // Plain assignments carry to later blocks too (steps of a plain tutorial run with `set -a`).
    step.exports = [...new Set([...exportedNames(step.code), ...assignedNames(step.code)])];
    const section = sections.find((candidate) => step.loc.line > candidate.line && step.loc.line < candidate.end);
    if (section) limitStep(step, section, chapter, parsed, file, infer);
  }
  parsed.problems = sortProblems(parsed.problems);
  return parsed;
}

/** A section that a heading or sentence limits to some readers: "only if you use EKS", "skip this if you chose nip.io". */
export interface ConditionalSection {
  /** Line of the heading or sentence that says so; the section's steps come after it. */
  line: number;
  /** First line after the section. */
  end: number;
  /** The words as written, for the learner: `Only if you use EKS`. */
  words: string;
  /** What the reader is asked about: `EKS`. */
  subject: string;
  /** The verb as written (`use`, `chose`), to ask the question the way the page says it. */
  verb: string;
  /** True for "only if", false for "skip this if". */
  applies: boolean;
}

const conditionVerbs = String.raw`(use|using|run|running|chose|picked|selected|went with|on|have|want|deploy|deployed|installed|prefer)`;
const subjectWords = String.raw`(?:an? |the )?([^\s,;:!?()][^,;:!?()\n]*?)(?=[,;:!?)\n]|\.(?:\s|$)|\s+(?:then|and|or|instead)\b|$)`;
const conditionPatterns: { pattern: RegExp; applies: boolean }[] = [
  { pattern: new RegExp(String.raw`\bonly (?:do this |needed |required |relevant |necessary )?(?:if|when) you(?:'re| are)? ${conditionVerbs} ${subjectWords}`, 'i'), applies: true },
  { pattern: new RegExp(String.raw`\bskip (?:this|the following|these steps|ahead)(?: section| step| part| steps)? (?:if|when) you(?:'re| are)? ${conditionVerbs} ${subjectWords}`, 'i'), applies: false },
  { pattern: new RegExp(String.raw`\b(?:not needed|not required|unnecessary) (?:if|when) you(?:'re| are)? ${conditionVerbs} ${subjectWords}`, 'i'), applies: false },
];

/** "Only if you use EKS" in `text` (a heading or a paragraph), or undefined. */
export function readCondition(text: string): Omit<ConditionalSection, 'line' | 'end'> | undefined {
  for (const { pattern, applies } of conditionPatterns) {
    const match = pattern.exec(text.replace(/[*_`]/g, ''));
    const subject = match?.[2]?.trim();
    if (!match || !subject || subject.length > 40 || !/[A-Za-z0-9]/.test(subject)) continue;
    return { words: match[0].trim(), subject, verb: ({ using: 'use', running: 'run', on: 'use' } as Record<string, string>)[match[1]!.toLowerCase()] ?? match[1]!.toLowerCase(), applies };
  }
  // "## Create the load balancer (EKS only)"
  const only = /\(([A-Za-z0-9][\w .+/-]{0,38}?) only\)/i.exec(text);
  return only ? { words: only[0], subject: only[1]!.trim(), verb: 'use', applies: true } : undefined;
}

/**
 * Sections limited to some readers: a heading that says so limits everything up to the next heading
 * of its level or above; a sentence, the rest of its section (up to the next heading).
 */
export function conditionalSections(tokens: readonly (Token & { line: number })[], text: string): ConditionalSection[] {
  const sections: ConditionalSection[] = [];
  const lastLine = 2 + countNewlines(text, text.length);
  tokens.forEach((token, index) => {
    const isHeading = token.type === 'heading';
    if (!isHeading && token.type !== 'paragraph' && token.type !== 'blockquote') return;
    const condition = readCondition(isHeading ? (token as Tokens.Heading).text : token.raw);
    if (!condition) return;
    const depth = isHeading ? (token as Tokens.Heading).depth : 7;
    const after = tokens.slice(index + 1).find((other) => other.type === 'heading' && (other as Tokens.Heading).depth <= depth);
    sections.push({ ...condition, line: token.line, end: after?.line ?? lastLine });
  });
  // The innermost section decides for a step inside several.
  return sections.reverse();
}

/** The input that asks about a section's subject: `USING_EKS`, asked once for every section about EKS. */
export function conditionInput(section: Pick<ConditionalSection, 'subject' | 'verb'>): { name: string; prompt: string } {
  const name = `USING_${section.subject.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase()}`;
  const past: Record<string, string> = { chose: 'choose', picked: 'pick', selected: 'select', 'went with': 'go with', deployed: 'deploy', installed: 'install' };
  const prompt = past[section.verb] ? `Did you ${past[section.verb]} ${section.subject}? (yes or no)` : `Do you ${section.verb} ${section.subject}? (yes or no)`;
  return { name, prompt };
}

/** Make a step of a conditional section run only for the readers it is for: a question, and a `when` on its answer. */
function limitStep(step: Step, section: ConditionalSection, chapter: Chapter, parsed: ParsedChapter, file: string, infer: Infer): void {
  const { name, prompt } = conditionInput(section);
  const source = `vars.${name} ${section.applies ? '==' : '!='} 'yes'`;
  const because = `the page says "${section.words}", and you answered ${section.applies ? 'no' : 'yes'}`;
  step.when = step.when ? { ...step.when, source: `(${step.when.source}) && ${source}` } : { source, loc: { file, line: step.loc.line }, because };
  parsed.expressions.push({ expr: step.when, scope: 'condition', role: `\`when\` of step \`${step.id}\`` });
  if (!chapter.inputs.some((input) => input.name === name)) {
    chapter.inputs.push({ name, prompt, validate: 'regex:yes|no', message: 'answer yes or no', secret: false, loc: { file, line: section.line } });
    infer(file, section.line, `condition "${section.words}": input \`${name}\` (${prompt}) is asked once and remembered; steps of this section run only when it is ${section.applies ? 'yes' : 'no'}`);
  }
  infer(file, step.loc.line, `step ${step.index + 1} runs only when \`${source}\` (the section "${section.words}" on line ${section.line})`);
}

/**
 * A page whose front matter says nothing hero-journey reads besides `title` and `summary` (a page
 * of a documentation site, or a Hugo or Jekyll page) is plain Markdown: its front matter lines are
 * blanked (line numbers stay) and its other keys are warnings. Undefined for a chapter file.
 */
export function siteFrontMatter(text: string, file: string): { text: string; title?: string; titleLine: number; warnings: JourneyProblem[] } | undefined {
  const split = splitFrontMatter(text);
  if ('error' in split || split.yaml.length > 100_000) return undefined;
  const document = parseDocument(split.yaml);
  if (document.errors.length > 0 || !isMap(document.contents)) return undefined;
  const keys = document.contents.items.map((item) => (isScalar(item.key) ? String(item.key.value) : ''));
  if (keys.some((key) => (chapterKeys as readonly string[]).includes(key) && key !== 'title' && key !== 'summary')) return undefined;
  const { warnings } = withoutSiteKeys(text, file);
  const title = document.get('title');
  const titleKey = document.contents.items.find((item) => isScalar(item.key) && item.key.value === 'title')?.key;
  const titleLine = 2 + (isScalar(titleKey) && titleKey.range ? countNewlines(split.yaml, titleKey.range[0]) : 0);
  const lines = text.split('\n');
  for (let line = 0; line < split.closeLine; line++) lines[line] = '';
  return { text: lines.join('\n'), ...(typeof title === 'string' && title.trim() ? { title: title.trim() } : {}), titleLine, warnings };
}

/**
 * A page written for a documentation site (Docusaurus, Hugo, Jekyll, MkDocs) has front matter
 * keys of its own (`sidebar_position`, `authors`, `slug`, ...): in a plain tutorial each is a
 * warning and its lines are blanked (line numbers stay), so the rest reads as a chapter's front
 * matter; without a `title`, the first heading gives it.
 */
export function withoutSiteKeys(text: string, file: string): { text: string; warnings: JourneyProblem[] } {
  const split = splitFrontMatter(text);
  if ('error' in split || split.yaml.length > 100_000) return { text, warnings: [] };
  const document = parseDocument(split.yaml);
  if (document.errors.length > 0 || !isMap(document.contents)) return { text, warnings: [] };
  const lines = text.split('\n');
  const lineOf = (offset: number): number => 2 + countNewlines(split.yaml, offset);
  const items = document.contents.items;
  const warnings: JourneyProblem[] = [];
  let freeLine: number | undefined;
  items.forEach((item, index) => {
    const key = isScalar(item.key) ? String(item.key.value) : undefined;
    if (key === undefined || (chapterKeys as readonly string[]).includes(key)) return;
    const start = lineOf(item.key && 'range' in item.key && item.key.range ? item.key.range[0] : 0);
    const nextKey = items[index + 1]?.key;
    const end = nextKey && isScalar(nextKey) && nextKey.range ? lineOf(nextKey.range[0]) : split.closeLine;
    for (let line = start; line < end; line++) lines[line - 1] = '';
    freeLine ??= start;
    warnings.push({ loc: { file, line: start }, message: `\`${key}\` is not a hero-journey key (a documentation site's, perhaps): ignored in a plain tutorial`, severity: 'warning' });
  });
  if (freeLine === undefined) return { text, warnings };
  if (!items.some((item) => isScalar(item.key) && item.key.value === 'title')) {
    const heading = blockTokens(split.body).find((token): token is Tokens.Heading & { line: number; offset: number } => token.type === 'heading');
    lines[freeLine - 1] = `title: ${JSON.stringify(heading?.text.replace(/[*_`]/g, '').trim() || plainChapterId(file))}`;
  }
  return { text: lines.join('\n'), warnings };
}

/** The text from `line` on (a step's code starts on the line after its fence). */
function sourceLines(text: string, line: number): string {
  return text.split('\n').slice(line - 1, line + 20).join('\n').split(/^ {0,3}(?:```|~~~)/m)[0] ?? '';
}

/** Block tokens with the 1-based line and the offset each starts at. */
export function blockTokens(text: string): (Token & { line: number; offset: number })[] {
  let tokens: Token[];
  try {
    tokens = new Lexer().blockTokens(text);
  } catch {
    return []; // Reported by splitChapterBody.
  }
  const located: (Token & { line: number; offset: number })[] = [];
  let cursor = 0;
  for (const token of tokens) {
    const found = text.indexOf(token.raw, cursor);
    const offset = found === -1 ? cursor : found;
    cursor = offset + token.raw.length;
    located.push(Object.assign(token, { line: 1 + countNewlines(text, offset), offset }));
  }
  return located;
}

interface PageLink {
  text: string;
  /** The page it points at, relative to the journey folder. */
  file: string;
  /** What follows the link on its line: a choice's summary. */
  after: string;
  line: number;
}

export const linkPattern = /\[([^\]\n]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;

/** Links in `raw` (written in `file`, starting at `line`) to Markdown pages of the folder. */
function linksIn(raw: string, file: string, line: number, files: ReadonlyMap<string, string>): PageLink[] {
  const links: PageLink[] = [];
  for (const match of raw.matchAll(linkPattern)) {
    const target = linkTarget(match[2]!, file, files);
    if (!target) continue;
    const rest = raw.slice(match.index + match[0].length).split('\n')[0] ?? '';
    links.push({
      text: match[1]!.replace(/[*_`]/g, '').trim(),
      file: target,
      after: rest.replace(/^[\s:—–-]+/, '').replace(/[*_`]/g, '').trim(),
      line: line + countNewlines(raw, match.index),
    });
  }
  return links;
}

/** The page a link points at, when it is a relative link to a Markdown page of the folder. */
export function linkTarget(href: string, file: string, files: ReadonlyMap<string, string>): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('#') || href.startsWith('/')) return undefined;
  let path = posix.normalize(posix.join(posix.dirname(file), decodeURI(href.replace(/[#?].*$/, ''))));
  if (path.startsWith('../') || path === '..') return undefined;
  if (path === '.' || href.endsWith('/')) path = posix.join(path, 'README.md');
  if (!path.toLowerCase().endsWith('.md')) {
    const folderPage = startPages.map((page) => posix.join(path, page)).find((page) => files.has(page));
    if (!folderPage) return undefined;
    path = folderPage;
  }
  return files.has(path) && path !== file ? path : undefined;
}

function pageLinks(file: string, text: string, files: ReadonlyMap<string, string>): PageLink[] {
  return blockTokens(text)
    .filter((token) => token.type !== 'code')
    .flatMap((token) => linksIn(token.raw, file, token.line, files));
}

/** Words that make a page's last link the way on (`next`), not a reference. */
const continueWords = /\b(next|continue|proceed|go on|move on|onwards?|then go|head (over|on) to|up next)\b|[→»]|➡/i;

/** The page's ending: a closing list of links is a choice point, a closing "continue" link is `next`. */
function readEnding(file: string, tokens: (Token & { line: number })[], files: ReadonlyMap<string, string>, chapter: Chapter, refs: ChapterRef[], infer: Infer): void {
  const content = tokens.filter((token) => token.type !== 'space' && token.type !== 'hr' && !(token.type === 'html' && /^\s*<!--/.test(token.raw)));
  const lists = content.map((token, index) => ({ token, index })).filter(({ token }) => token.type === 'list');
  let choiceList: { token: Token & { line: number }; links: PageLink[] } | undefined;
  for (const { token, index } of lists) {
    const items = (token as Tokens.List).items;
    const links = items.map((item) => linksIn(item.raw, file, 0, files)[0]).filter((link) => link !== undefined);
    if (links.length < 2 || links.length !== items.length) continue;
    const withLines = linksIn(token.raw, file, token.line, files).filter((link, position, all) => all.findIndex((other) => other.line === link.line) === position);
    const closing = index === content.length - 1;
    const previous = content[index - 1];
    const asks = previous?.type === 'heading' && /\?\s*$/.test((previous as Tokens.Heading).text);
    if (closing || asks) choiceList = { token, links: withLines };
    else infer(file, token.line, `a list of ${links.length} links to pages that is not at the end of the page: it may be a choice; it is read as links (move it to the end, or add \`choices\` in front matter)`, 'undecided');
  }
  if (choiceList) {
    for (const link of choiceList.links) addChoice(chapter, refs, file, link);
    infer(file, choiceList.token.line, `choice point: ${chapter.choices.map((choice) => `"${choice.label}" → ${choice.goto}`).join(', ')}`);
    return;
  }
  const last = content.at(-1);
  if (!last || last.type === 'code' || last.type === 'list') return;
  const links = linksIn(last.raw, file, last.line, files);
  if (links.length !== 1) return;
  const link = links[0]!;
  const bare = last.raw.replace(linkPattern, '').replace(/[\s*_#>.:|-]+/g, '') === '';
  if (!continueWords.test(last.raw) && !bare) {
    infer(file, link.line, `the page ends with a link to \`${link.file}\` that does not say "next" or "continue": it is read as a link, and the chapter ends the journey`, 'undecided');
    return;
  }
  const goto = plainChapterId(link.file);
  chapter.next.push({ goto, loc: { file, line: link.line } });
  refs.push({ id: goto, written: link.file, role: '`next`', file, line: link.line });
  infer(file, link.line, `next: ${goto} (the closing "${link.text}" link)`);
}

/** One more choice of `chapter`: to the page `link` points at, labelled with its text, its id from the page's name. */
function addChoice(chapter: Chapter, refs: ChapterRef[], file: string, link: PageLink): void {
  const goto = plainChapterId(link.file);
  const ids = new Set(chapter.choices.map((choice) => choice.id));
  let choiceId = (posix.basename(goto) || goto).toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'choice';
  for (let n = 2; ids.has(choiceId); n++) choiceId = `${choiceId.replace(/-\d+$/, '')}-${n}`;
  const choice: Choice = { id: choiceId, label: link.text, goto, loc: { file, line: link.line } };
  if (link.after) choice.summary = link.after;
  chapter.choices.push(choice);
  refs.push({ id: goto, written: link.file, role: 'a choice', file, line: link.line });
}

/** Words that mark a link as where a part of the tutorial starts: "Part 2: Ship Hero — start here". */
const startHereWords = /\b(?:start|begin)(?:s)? here\b|\bstart(?:ing)? point\b/i;
/** A top-level folder named like a numbered part of a workshop: `part-1`, `01-setup`, `module2`, `lab-3`, `day-1`. */
const partFolder = /^(?:\d{1,3}[-_. ]|(?:part|module|lab|day|session|chapter|week|exercise|unit|level|stage|track)[-_ ]?\d{1,3}(?:\D|$))/i;

/**
 * Where the parts of a tutorial start, each on its own (pure): a page the start page links to with
 * "start here" (or "begin here", "starting point") in the link's text or the rest of its line, and
 * the start page (README.md or index.md) of every top-level folder named like a numbered part
 * (`part-1/`, `01-setup/`, `module-2/`, `lab3/`, `day-1/`), linked or not. Labels come from the link
 * text, else the part's first heading; summaries from the text after the link.
 */
export function entryPoints(start: string, files: ReadonlyMap<string, string>, leadsTo: (file: string) => ReadonlySet<string>): PageLink[] {
  const found: PageLink[] = [];
  const linked = pageLinks(start, files.get(start) ?? '', files);
  for (const link of linked) {
    const line = (files.get(start) ?? '').split('\n')[link.line - 1] ?? '';
    if ((startHereWords.test(link.text) || startHereWords.test(line)) && !found.some((other) => other.file === link.file)) found.push(link);
  }
  const folders = [...files.keys()].filter((file) => {
    const [folder, page, ...rest] = file.split('/');
    return rest.length === 0 && page !== undefined && folder !== undefined && startPages.includes(page) && partFolder.test(folder) && startPages.find((name) => files.has(`${folder}/${name}`)) === page;
  });
  // A part that another part leads to (`Next: Part 2` at the end of part 1) is a continuation, not a start.
  const reached = new Map(folders.map((file) => [file, leadsTo(file)]));
  const continued = (file: string): boolean => folders.some((other) => other !== file && reached.get(other)!.has(file) && !reached.get(file)!.has(other));
  for (const file of folders.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))) {
    if (found.some((other) => other.file === file) || continued(file)) continue;
    const link = linked.find((other) => other.file === file);
    if (link) {
      found.push(link);
      continue;
    }
    const heading = blockTokens(files.get(file) ?? '').find((token): token is Tokens.Heading & { line: number; offset: number } => token.type === 'heading');
    found.push({ text: heading?.text.replace(/[*_`]/g, '').trim() || file.split('/')[0]!, file, after: '', line: 0 });
  }
  return found;
}

/**
 * A tutorial of two or more parts that each start on their own (`entryPoints`): the start page
 * offers them as its first choice, after its own choices (or the page its "continue" link leads to).
 */
function offerEntryPoints(parsed: ParsedChapter, files: ReadonlyMap<string, string>, leadsTo: (file: string) => ReadonlySet<string>, infer: Infer): PageLink[] {
  const { chapter } = parsed;
  const entries = entryPoints(chapter.file, files, leadsTo);
  if (entries.length < 2) return [];
  const next = chapter.choices.length === 0 ? chapter.next[0] : undefined;
  if (next) {
    // The page the start page continues to is one of the ways on, first.
    const nextFile = [...files.keys()].find((file) => plainChapterId(file) === next.goto);
    const label = entries.find((entry) => entry.file === nextFile)?.text ?? next.goto;
    if (nextFile) addChoice(chapter, parsed.refs, chapter.file, { text: label, file: nextFile, after: '', line: next.loc.line });
    parsed.refs.splice(parsed.refs.findIndex((ref) => ref.role === '`next`'), 1);
    chapter.next = [];
  }
  const added = entries.filter((entry) => !chapter.choices.some((choice) => choice.goto === plainChapterId(entry.file)));
  for (const entry of added) addChoice(chapter, parsed.refs, chapter.file, entry);
  if (added.length === 0) return [];
  const where = (entry: PageLink): string => (entry.line > 0 ? `${chapter.file}:${entry.line}` : `the folder ${entry.file.split('/')[0]}/`);
  infer(
    chapter.file,
    added[0]!.line || 1,
    `entry points: the tutorial has parts that each start on their own (${added.map((entry) => `"${entry.text}" → ${plainChapterId(entry.file)}, from ${where(entry)}`).join('; ')}): offered as the first choice, and \`play --from ${plainChapterId(added.at(-1)!.file)}\` starts at one`,
  );
  return added;
}

/** A placeholder found in a step, the input that replaces it, and the step's code with it replaced. */
interface PlaceholderInput {
  name: string;
  placeholder: string;
  prompt: string;
  code: string;
}

/** Placeholders a reader replaces by hand before running a command, each with the variable that replaces it. */
const placeholderRules: { pattern: RegExp; name: (match: RegExpExecArray) => string; replace: (match: RegExpExecArray, name: string) => string }[] = [
  // export PROJECT_ID=[your-project-id] (an assignment command, not a flag's `key=[...]`)
  { pattern: /(?<=(?:^|[;&|(]|\bexport\s)\s*)([A-Za-z_][A-Za-z0-9_]*)=\[([^\]\n]+)\]/gm, name: (m) => m[1]!, replace: (m, name) => `${m[1]}="\${${name}}"` },
  // export HERO_NAME=<your-name>: the variable it is assigned to names it
  { pattern: /(?<=(?:^|[;&|(]|\bexport\s)\s*)([A-Za-z_][A-Za-z0-9_]*)=<([A-Za-z][^<>\s]*)>/gm, name: (m) => m[1]!, replace: (m, name) => `${m[1]}="\${${name}}"` },
  // <your-domain>, <cluster-name>, <PROJECT_ID>
  { pattern: /<((?:your|my)[-_ ]?[A-Za-z0-9]+(?:[-_ ][A-Za-z0-9]+)*|[a-z0-9]+(?:[-_][a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)>/g, name: (m) => variableName(m[1]!), replace: (_m, name) => `"\${${name}}"` },
  // YOUR_TOKEN, YOUR_API_KEY
  { pattern: /\bYOUR_([A-Z0-9_]+)\b/g, name: (m) => m[1]!, replace: (_m, name) => `"\${${name}}"` },
];

function variableName(placeholder: string): string {
  const name = placeholder.replace(/^(your|my)[-_ ]?/i, '').replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** The placeholders of a step's code: each becomes an input, and the code reads the variable instead. */
export function placeholderInputs(step: Pick<Step, 'code'>): PlaceholderInput[] {
  const found: PlaceholderInput[] = [];
  let code = step.code;
  for (const rule of placeholderRules) {
    const source = code;
    code = code.replace(rule.pattern, (...args: unknown[]) => {
      const match = [args[0], ...args.slice(1, -2)] as unknown as RegExpExecArray;
      const offset = args.at(-2) as number;
      const name = rule.name(match);
      found.push({ name, placeholder: String(args[0]), prompt: `Value for ${String(args[0])}`, code: '' });
      const replaced = rule.replace(match, name);
      // Inside "..." the quotes are there already.
      return insideDoubleQuotes(source, offset) ? replaced.replaceAll('"', '') : replaced;
    });
  }
  return found.map((input) => ({ ...input, code }));
}

/** Whether `offset` in `code` is inside double quotes on its line (a placeholder there needs no quotes of its own). */
function insideDoubleQuotes(code: string, offset: number): boolean {
  const before = code.slice(code.lastIndexOf('\n', offset - 1) + 1, offset);
  return (before.match(/(?<!\\)"/g) ?? []).length % 2 === 1;
}

/** Inferences as problems-shaped lines for lint: `file:line  inferred: ...`. */
export function inferenceLines(inferences: readonly Inference[]): string[] {
  return inferences.map((inference) => `${inference.loc.line > 0 ? `${inference.loc.file}:${inference.loc.line}` : inference.loc.file}  ${inference.kind === 'undecided' ? 'undecided' : 'inferred'}: ${inference.message}`);
}
