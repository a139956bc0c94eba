/**
 * A plain tutorial (or a Killercoda scenario, `convertScenario`) → the same journey written down: journey.yaml and front matter with everything
 * that was inferred made explicit (titles, choices, `next`, inputs, conditions), steps as `sh`
 * blocks with their attributes, transcripts split into the commands and their output. Pure: the
 * inferred journey and the page texts in, the files to write out.
 */

import { posix } from 'node:path';
import { stringify } from '../yaml.ts';
import { chapterIdFromPath } from './ids.ts';
import { fenceFor, isTranscript, readTranscript, stepLanguages } from './markdown.ts';
import type { Chapter, InputSpec, Step } from './model.ts';
import { markedSteps, type ScenarioIndex } from './killercoda.ts';
import { blockTokens, linkPattern, linkTarget, readPage, siteFrontMatter, withoutSiteKeys, type PlainJourney } from './plain.ts';

/** What converting writes: files by path (relative, with `/`), and the start page it renames. */
export interface Conversion {
  files: Map<string, string>;
  /** The plain start page (`README.md`), when it moves: a root README is never a chapter of a journey. */
  renamed?: { from: string; to: string };
  /** Pages that are not chapters, listed under `exclude:` in journey.yaml. */
  excluded: string[];
  /** Files of the tutorial that the journey replaces (a scenario's index.json and the pages written again as chapters). */
  removed?: string[];
}

/** Write the inferred journey down. `pages`: every Markdown page of the folder, path → text. */
export function convertPlainJourney(plain: PlainJourney, pages: ReadonlyMap<string, string>): Conversion {
  const { journey } = plain.journeyFile;
  const startChapter = plain.chapters[0]?.chapter;
  const files = new Map<string, string>();
  // The root README documents a journey on GitHub and is never one of its chapters: the start moves.
  const startFile = startChapter?.file ?? '';
  const renamed = startFile && chapterIdFromPath(startFile) === '' ? { from: startFile, to: ['index.md', 'start.md', 'introduction.md', 'welcome.md'].find((name) => !pages.has(name)) ?? 'hero-journey-start.md' } : undefined;
  const idOf = (id: string): string => (renamed && id === journey.start ? chapterIdFromPath(renamed.to) : id);
  const chapterFiles = new Set(plain.chapters.map((parsed) => parsed.chapter.file));
  const excluded = [...pages.keys()].filter((file) => !chapterFiles.has(file) && chapterIdFromPath(file) !== '').sort();

  const manifest: Record<string, unknown> = { id: journey.id, title: journey.title, start: idOf(journey.start) };
  manifest['one-terminal'] = true;
  if (excluded.length > 0) manifest.exclude = excluded;
  files.set(
    'journey.yaml',
    `# Converted from a plain Markdown tutorial by hero-journey convert: everything it inferred is written here\n# and in the front matter of the chapters (docs/journey-format.md describes every key).\n${stringify(manifest)}`,
  );

  for (const parsed of plain.chapters) {
    const { chapter } = parsed;
    const page = (pages.get(chapter.file) ?? '').replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    // A documentation site's front matter is dropped (the journey's replaces it); line numbers stay for the steps.
    const site = siteFrontMatter(page, chapter.file);
    const source = site?.text ?? page;
    const target = renamed && chapter.file === renamed.from ? renamed.to : chapter.file;
    const relink = (text: string): string => (renamed ? relinkStart(text, chapter.file, target, renamed, pages) : text);
    if (source.startsWith('---\n')) {
      // A page with front matter was read as a chapter file: it says what it means already.
      files.set(target, relink(withoutSiteKeys(source, chapter.file).text));
      continue;
    }
    files.set(target, `---\n${stringify(frontMatter(chapter, idOf))}---\n\n${relink(writeSteps(source, chapter)).replace(/^\n+/, '')}`);
  }
  return { files, ...(renamed ? { renamed } : {}), excluded };
}

/**
 * A Killercoda scenario → the same journey written down: a chapter file per page, named by its
 * chapter id (`intro.md`, `step1.md`, ..., `finish.md`), in the order index.json gives them (`next`);
 * blocks and inline commands marked `{{exec}}` as `sh` steps, `{{copy}}` markers dropped, other
 * shell blocks `norun`, and the background, foreground and verify scripts as the steps play makes of
 * them (shown and run only when the learner says so; never checks). index.json and the pages that
 * are written again are removed. `markdownFiles`: every Markdown file of the folder.
 */
export function convertScenario(plain: PlainJourney, scenario: ScenarioIndex, files: ReadonlyMap<string, string>, markdownFiles: readonly string[]): Conversion {
  const { journey } = plain.journeyFile;
  const written = new Map<string, string>();
  const targets = new Set(plain.chapters.map((parsed) => `${parsed.chapter.id}.md`));
  const texts = new Set(scenario.pages.flatMap((page) => (page.text ? [page.text] : [])));
  const excluded = markdownFiles.filter((file) => !targets.has(file) && !texts.has(file)).sort();
  const manifest: Record<string, unknown> = { id: journey.id, title: journey.title, ...(scenario.description ? { description: scenario.description } : {}), start: journey.start, 'one-terminal': true };
  if (excluded.length > 0) manifest.exclude = excluded;
  written.set(
    'journey.yaml',
    `# Converted from a Killercoda scenario (index.json) by hero-journey convert: everything it inferred is written here\n# and in the front matter of the chapters (docs/journey-format.md describes every key).\n${stringify(manifest)}`,
  );
  plain.chapters.forEach((parsed, index) => {
    const page = scenario.pages[index];
    if (!page) return;
    const rewritten = markedSteps(files.get(page.text ?? '') ?? '', page, files);
    // The page as play reads it, with its steps where they are in the rewritten text.
    const local = readPage(page.text ?? `${page.id}.md`, rewritten.text, files, () => {}, { links: false }).chapter;
    written.set(`${parsed.chapter.id}.md`, `---\n${stringify(frontMatter(parsed.chapter, (id) => id))}---\n\n${writeSteps(rewritten.text, local).replace(/^\n+/, '')}`);
  });
  const removed = ['index.json', ...[...texts].filter((file) => !written.has(file))];
  return { files: written, excluded, removed };
}

/** The front matter that says what the page's journey says: title, inputs, choices, next. */
function frontMatter(chapter: Chapter, idOf: (id: string) => string): Record<string, unknown> {
  const fields: Record<string, unknown> = { title: chapter.title };
  if (chapter.inputs.length > 0) fields.inputs = chapter.inputs.map(inputFields);
  if (chapter.choices.length > 0) {
    fields.choices = chapter.choices.map((choice) => ({ id: choice.id, label: choice.label, goto: idOf(choice.goto), ...(choice.summary ? { summary: choice.summary } : {}) }));
  } else if (chapter.next.length === 1 && !chapter.next[0]!.when) {
    fields.next = idOf(chapter.next[0]!.goto);
  } else if (chapter.next.length > 0) {
    fields.next = chapter.next.map((rule) => ({ goto: idOf(rule.goto), ...(rule.when ? { when: rule.when.source } : {}) }));
  }
  return fields;
}

function inputFields(input: InputSpec): Record<string, unknown> {
  return {
    name: input.name,
    prompt: input.prompt,
    ...(input.validate ? { validate: input.validate } : {}),
    ...(input.message ? { message: input.message } : {}),
    ...(input.secret ? { secret: true } : {}),
    ...(input.default !== undefined ? { default: input.default } : {}),
  };
}

/** The page with each step's block written as a journey means it: an `sh` block of what runs, with its attributes. */
function writeSteps(text: string, chapter: Chapter): string {
  const byLine = new Map(chapter.steps.map((step) => [step.loc.line, step]));
  let out = '';
  let cursor = 0;
  for (const token of blockTokens(text)) {
    if (token.type !== 'code') continue;
    const step = byLine.get(token.line);
    if (!step) continue;
    const raw = token.raw.replace(/\n+$/, '');
    out += text.slice(cursor, token.offset) + stepBlock(step, (token as { text: string }).text);
    cursor = token.offset + raw.length;
  }
  return out + text.slice(cursor);
}

/** One step as an `sh` block (its own language when that is a step language), and a transcript's output as text after it. */
function stepBlock(step: Step, written: string): string {
  const attributes: string[] = [];
  if (step.id !== `step-${step.index + 1}`) attributes.push(`id=${step.id}`);
  if (step.title !== undefined) attributes.push(`title=${quote(step.title)}`);
  if (step.when) {
    attributes.push(`when=${quote(step.when.source)}`);
    if (step.when.because) attributes.push(`because=${quote(step.when.because)}`);
  }
  if (step.timeout !== undefined) attributes.push(`timeout=${step.timeout}`);
  if (step.keyboard) attributes.push(`keyboard=${step.keyboard}`);
  if (step.optional) attributes.push('optional');
  const lang = stepLanguages.includes(step.lang) ? step.lang : 'sh';
  const transcript = !stepLanguages.includes(step.lang) || isTranscript(written) ? readTranscript(written).output : [];
  const fence = fenceFor(`${step.code}\n${transcript.join('\n')}`);
  const block = `${fence}${[lang, ...attributes].join(' ')}\n${step.code}\n${fence}`;
  return transcript.some((line) => line.trim()) ? `${block}\n\n${fence}text\n${transcript.join('\n')}\n${fence}` : block;
}

/** A double-quoted info-string value. */
function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, ' ')}"`;
}

/** Links (outside code) to the renamed start page point at its new name. */
function relinkStart(text: string, file: string, target: string, renamed: { from: string; to: string }, pages: ReadonlyMap<string, string>): string {
  let out = '';
  let cursor = 0;
  for (const token of blockTokens(text)) {
    if (token.type === 'code') continue;
    const raw = token.raw.replace(linkPattern, (whole: string, _label: string, href: string) => {
      if (linkTarget(href, file, pages) !== renamed.from) return whole;
      const fragment = /[#?].*$/.exec(href)?.[0] ?? '';
      const relative = posix.relative(posix.dirname(target), renamed.to) || renamed.to;
      return whole.replace(href, `${relative}${fragment}`);
    });
    out += text.slice(cursor, token.offset) + raw;
    cursor = token.offset + token.raw.length;
  }
  return out + text.slice(cursor);
}
