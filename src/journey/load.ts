/**
 * A journey folder → a validated Journey. Reads `journey.yaml` and every chapter file, then checks
 * what spans files (chapter ids, check modules, expressions); every problem is reported at once.
 */

import { readFileSync, realpathSync, statSync } from 'node:fs';
import { lstat, readFile, realpath, stat } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isScalar } from '../yaml.ts';
import { UserError } from '../errors.ts';
import { MAX_FILE_CHARACTERS, parseChapter, readInputs, type ChapterRef, type ExpressionSite, type ParsedChapter } from './chapter.ts';
import { checkExpression, expressionReferences } from './expressions.ts';
import { resolveChapterRef } from './ids.ts';
import type { Chapter, Journey, JourneyProblem, Phase, ToolRequirement } from './model.ts';
import { listChapterFiles, listCheckModules, startPages } from './files.ts';
import { inferScenario, readScenarioIndex, scenarioFiles, type ScenarioIndex } from './killercoda.ts';
import { inferJourney, type PlainJourney } from './plain.ts';
import { assignedNames } from './shell.ts';
import { JourneyError, sortProblems } from './problems.ts';
import { didYouMean, idPattern, variableNamePattern } from './text.ts';
import { scalarText, YamlReader } from './yaml-fields.ts';
import { dict } from '../dict.ts';

export { JourneyError } from './problems.ts';
export { listChapterFiles, listCheckModules } from './files.ts';

export const journeyKeys = ['id', 'title', 'description', 'start', 'phases', 'inputs', 'vars', 'tools', 'one-terminal', 'exclude'] as const;
export const phaseKeys = ['id', 'title', 'chapters', 'inputs'] as const;
export const toolKeys = ['name', 'version', 'why'] as const;

/** journey.yaml, read: the Journey without chapters, plus what the journey-wide checks need. */
export interface ParsedJourneyFile {
  journey: Omit<Journey, 'dir' | 'chapters'>;
  problems: JourneyProblem[];
  /** Line of `exclude:`, for warnings about what it names. */
  excludeLine?: number;
  refs: ChapterRef[];
  expressions: ExpressionSite[];
}

/** What a journey folder holds besides chapters, for checks that need the file system. */
export interface JourneyFiles {
  /** Ids of the modules in `checks/` (path without `.ts`/`.js`). */
  checkModules: ReadonlySet<string>;
}

/** Everything found in a journey: the model (when journey.yaml could be read) and every problem. */
export interface JourneyAnalysis {
  journey?: Journey;
  problems: JourneyProblem[];
}

/** Load and validate the journey in `dir`; throws JourneyError listing every problem when it has errors. */
export async function loadJourney(dir: string): Promise<Journey> {
  const { journey, problems } = await analyzeJourney(dir);
  if (!journey || problems.some((problem) => problem.severity === 'error')) throw new JourneyError(dir, problems);
  return journey;
}

/**
 * Read the journey in `dir` and collect every problem (errors and warnings) without throwing for them.
 * Throws UserError only when there is no journey to read: a missing folder or journey.yaml.
 */
export async function analyzeJourney(dir: string): Promise<JourneyAnalysis> {
  const root = resolve(dir);
  const kind = await assertJourneyFolder(dir, root);
  if (kind === 'plain') return analyzePlainTutorial(dir, root);
  if (kind === 'scenario') return analyzeScenario(dir, root);
  const journeyText = await readText(join(root, 'journey.yaml'), dir);
  const journeyFile = parseJourneyFile(journeyText);
  const chapterFiles = excludePages(await listChapterFiles(root), journeyFile);
  const chapters: ParsedChapter[] = [];
  for (const file of chapterFiles) chapters.push(parseChapter(await readText(join(root, file), dir), file));
  if (journeyFile.journey.oneTerminal) carryAssignments(chapters);
  const checkModules = await listCheckModules(join(root, 'checks'));
  const { journey, problems } = assembleJourney(journeyFile, chapters, { checkModules }, root);
  return { journey, problems: sortProblems(problems) };
}

/** A folder of plain Markdown without journey.yaml: the journey is inferred (see `plain.ts`). */
async function analyzePlainTutorial(dir: string, root: string): Promise<JourneyAnalysis> {
  const { journey, problems } = await readPlainPages(dir, root);
  return { journey, problems };
}

/** A plain tutorial read: its pages, what was inferred from them, and the journey they make. */
export interface PlainTutorial extends JourneyAnalysis {
  journey: Journey;
  /** Markdown pages by path (a scenario: the pages and scripts index.json names). */
  pages: Map<string, string>;
  plain: PlainJourney;
  /** A Killercoda scenario: its index.json, read. */
  scenario?: ScenarioIndex;
}

/** Read the plain tutorial (or Killercoda scenario) in `dir`; throws UserError when the folder is a journey already (it has journey.yaml) or no tutorial. */
export async function readPlainTutorial(dir: string): Promise<PlainTutorial> {
  const root = resolve(dir);
  const kind = await assertJourneyFolder(dir, root);
  if (kind === 'journey') {
    throw new UserError(`${dir} is a journey already: it has a journey.yaml, so nothing in it is inferred`, { hint: `check it with: hero-journey lint ${dir}` });
  }
  return kind === 'scenario' ? readScenario(dir, root) : readPlainPages(dir, root);
}

async function readPlainPages(dir: string, root: string): Promise<PlainTutorial> {
  const pages = await listChapterFiles(root);
  for (const page of startPages) if ((await stat(join(root, page)).catch(() => undefined))?.isFile()) pages.push(page);
  const files = new TutorialPages(root, dir, await realpath(root), pages);
  const inferred = inferJourney(basename(root), files);
  const checkModules = await listCheckModules(join(root, 'checks'));
  const { journey, problems } = assembleJourney(inferred.journeyFile, inferred.chapters, { checkModules }, root);
  journey.inferred = inferred.inferences;
  journey.inferredFrom = inferred.chapters.some((parsed) => parsed.siteFrontMatter) ? 'docs-site' : 'plain';
  return { journey, problems: sortProblems(problems), pages: files, plain: inferred };
}

/**
 * The Markdown pages of a plain tutorial by path, each read when it is first asked for: pages that
 * no chapter reaches are never read (a tutorial may have thousands), a page that leads outside the
 * folder or is too large to be a page is refused before it is read.
 */
class TutorialPages extends Map<string, string> {
  readonly #root: string;
  readonly #dir: string;
  readonly #realRoot: string;
  readonly #read = new Set<string>();
  readonly #budget: ReadBudget = { read: 0 };

  constructor(root: string, dir: string, realRoot: string, paths: readonly string[]) {
    super();
    this.#root = root;
    this.#dir = dir;
    this.#realRoot = realRoot;
    for (const path of paths) super.set(path, '');
  }

  override get(file: string): string | undefined {
    if (!super.has(file)) return undefined;
    if (!this.#read.has(file)) {
      super.set(file, readPageInside(this.#root, this.#realRoot, file, this.#dir, this.#budget));
      this.#read.add(file);
    }
    return super.get(file);
  }

  override entries(): MapIterator<[string, string]> {
    return [...super.keys()].map((key): [string, string] => [key, this.get(key)!])[Symbol.iterator]();
  }

  override values(): MapIterator<string> {
    return [...super.keys()].map((key) => this.get(key)!)[Symbol.iterator]();
  }

  override [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  override forEach(callback: (value: string, key: string, map: Map<string, string>) => void): void {
    for (const [key, value] of this.entries()) callback(value, key, this);
  }
}

/** Most a page or script of an inferred journey may have (bytes): four times a chapter's characters, so the chapter reader can say by how much it is too long. */
const MAX_PAGE_BYTES = MAX_FILE_CHARACTERS * 4;
/** Most that is read of one plain tutorial or scenario in all (bytes): a 200-page tutorial has a few megabytes. */
const MAX_TUTORIAL_BYTES = 32_000_000;

/** How much of a tutorial has been read, so a folder of many huge pages is refused instead of read. */
interface ReadBudget {
  read: number;
}

/**
 * Read one page of the folder at `root`, refusing one that leads outside it, is no regular file
 * (a FIFO or a device would block or never end), is too large to be a page, or would take the
 * whole tutorial past MAX_TUTORIAL_BYTES.
 */
function readPageInside(root: string, realRoot: string, file: string, dir: string, budget: ReadBudget): string {
  let real: string;
  try {
    real = realpathSync(join(root, file));
  } catch (error) {
    throw new UserError(`cannot read ${file} in the journey at ${dir}: ${(error as Error).message}`, { cause: error });
  }
  const inside = relative(realRoot, real);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new UserError(`${file} in the journey at ${dir} leads to ${real}, outside the journey folder`, { hint: 'a journey may only use its own files: copy what it needs into the journey folder' });
  }
  const info = statSync(real);
  if (!info.isFile()) {
    const kind = info.isDirectory() ? 'a folder' : info.isFIFO() ? 'a named pipe (FIFO)' : info.isCharacterDevice() || info.isBlockDevice() ? 'a device' : info.isSocket() ? 'a socket' : 'not a regular file';
    throw new UserError(`${file} in the journey at ${dir} is ${kind}, not a file: a page or script of a journey is a file`, { hint: `replace ${file} with the file it stands for, or fix the name that points at it` });
  }
  // A page of more characters than a chapter may have is reported by the chapter reader; far larger is not read at all.
  if (info.size > MAX_PAGE_BYTES) {
    throw new UserError(`${file} in the journey at ${dir} has ${(info.size / 1_000_000).toFixed(1)} MB: too large for a page or script of a journey`, { hint: 'split it into pages of less than a million characters' });
  }
  if (budget.read + info.size > MAX_TUTORIAL_BYTES) {
    throw new UserError(`the journey at ${dir} has more than ${MAX_TUTORIAL_BYTES / 1_000_000} MB of pages and scripts to read (${file} goes past it): hero-journey reads no more of one tutorial`, {
      hint: 'a tutorial is far smaller: check which pages and scripts it names, or split it into tutorials of their own',
    });
  }
  budget.read += info.size;
  return readFileSync(real, 'utf8');
}

/** A Killercoda scenario (index.json, no journey.yaml): the journey is inferred (see `killercoda.ts`). */
async function analyzeScenario(dir: string, root: string): Promise<JourneyAnalysis> {
  const { journey, problems } = await readScenario(dir, root);
  return { journey, problems };
}

async function readScenario(dir: string, root: string): Promise<PlainTutorial> {
  const budget: ReadBudget = { read: 0 };
  const realRoot = await realpath(root);
  const indexText = (await readInside(root, realRoot, 'index.json', dir, budget)) ?? '';
  const scenario = readScenarioIndex(indexText);
  const files = new Map<string, string>();
  for (const file of scenarioFiles(scenario.pages)) {
    const text = await readInside(root, realRoot, file, dir, budget);
    if (text !== undefined) files.set(file, text);
  }
  const inferred = inferScenario(basename(root), scenario, files);
  const { journey, problems } = assembleJourney(inferred.journeyFile, inferred.chapters, { checkModules: new Set() }, root);
  journey.inferred = inferred.inferences;
  journey.inferredFrom = 'scenario';
  return { journey, problems: sortProblems(problems), pages: files, plain: inferred, scenario };
}

/** A file of the journey folder, or undefined when nothing of that name exists; refused as `readPageInside` says. */
async function readInside(root: string, realRoot: string, file: string, dir: string, budget: ReadBudget): Promise<string | undefined> {
  if (!(await lstat(join(root, file)).catch(() => undefined))) return undefined;
  return readPageInside(root, realRoot, file, dir, budget);
}

/** Chapter files without the pages journey.yaml's `exclude` names (a file, or a folder ending in `/`); an entry that names nothing is a warning. */
function excludePages(files: string[], journeyFile: ParsedJourneyFile): string[] {
  const excluded = journeyFile.journey.exclude ?? [];
  const matches = (file: string, entry: string): boolean => (entry.endsWith('/') ? file.startsWith(entry) : file === entry);
  for (const entry of excluded) {
    if (!files.some((file) => matches(file, entry))) {
      journeyFile.problems.push({ loc: { file: 'journey.yaml', line: journeyFile.excludeLine ?? 0 }, message: `\`exclude\`: no Markdown page \`${entry}\` in the journey folder`, severity: 'warning' });
    }
  }
  return files.filter((file) => !excluded.some((entry) => matches(file, entry)));
}

/** With `one-terminal: true`, a step's plain assignments (`NAME=value`) reach later steps, as its exports do. */
export function carryAssignments(chapters: readonly ParsedChapter[]): void {
  for (const { chapter } of chapters) {
    for (const step of chapter.steps) step.exports = [...new Set([...step.exports, ...assignedNames(step.code)])];
  }
}

/** Parse the text of `journey.yaml`. Pure. */
export function parseJourneyFile(text: string): ParsedJourneyFile {
  const reader = new YamlReader('journey.yaml', text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  const result: ParsedJourneyFile = {
    journey: { id: '', title: '', start: '', phases: [], inputs: [], vars: dict(), tools: [] },
    problems: reader.problems,
    refs: [],
    expressions: [],
  };
  if (!reader.parsed) return result;
  const root = reader.root;
  if (!root || (isScalar(root) && root.value === null)) {
    reader.error(1, 'journey.yaml is empty: it needs `id`, `title` and `start`');
    return result;
  }
  const fields = reader.fields(root, journeyKeys, 'journey.yaml', 1);
  if (!fields) return result;
  const { journey } = result;

  const id = reader.text(reader.required(fields, 'id', 'journey.yaml', 1));
  if (id !== undefined) {
    journey.id = id;
    if (!idPattern.test(id)) reader.error(fields.get('id')!.line, `journey id \`${id}\` may only contain letters, digits, \`-\`, \`_\` and \`.\` (it names the saved progress)`);
  }
  journey.title = reader.text(reader.required(fields, 'title', 'journey.yaml', 1)) ?? '';
  const description = reader.text(fields.get('description'));
  if (description !== undefined) journey.description = description;

  const startField = reader.required(fields, 'start', 'journey.yaml', 1);
  const start = reader.text(startField);
  if (start !== undefined && startField) {
    const resolved = resolveChapterRef(start, 'journey.yaml');
    if ('error' in resolved) reader.error(startField.line, `\`start\`: ${resolved.error}`);
    else {
      journey.start = resolved.id;
      result.refs.push({ id: resolved.id, written: start, role: '`start`', file: 'journey.yaml', line: startField.line });
    }
  }

  for (const item of reader.list(fields.get('phases'))) {
    const phaseFields = reader.fields(item.node, phaseKeys, 'a phase', item.line);
    if (!phaseFields) continue;
    const phaseId = reader.text(reader.required(phaseFields, 'id', 'a phase', item.line));
    const title = reader.text(reader.required(phaseFields, 'title', 'a phase', item.line));
    const chaptersField = reader.required(phaseFields, 'chapters', 'a phase', item.line);
    if (phaseId === undefined || title === undefined) continue;
    if (journey.phases.some((phase) => phase.id === phaseId)) reader.error(phaseFields.get('id')!.line, `two phases have id \`${phaseId}\``);
    const phase: Phase = { id: phaseId, title, chapters: [] };
    if (phaseFields.has('inputs')) phase.inputs = readInputs(reader, phaseFields.get('inputs'), result.expressions);
    for (const chapterItem of reader.list(chaptersField)) {
      const written = chapterItem.node ? scalarText(chapterItem.node) : undefined;
      if (written === undefined) {
        reader.error(chapterItem.line, 'phase chapters must be chapter ids');
        continue;
      }
      const resolved = resolveChapterRef(written, 'journey.yaml');
      if ('error' in resolved) reader.error(chapterItem.line, `phase \`${phaseId}\`: ${resolved.error}`);
      else {
        phase.chapters.push(resolved.id);
        result.refs.push({ id: resolved.id, written, role: `phase \`${phaseId}\``, file: 'journey.yaml', line: chapterItem.line });
      }
    }
    journey.phases.push(phase);
  }

  journey.inputs = readInputs(reader, fields.get('inputs'), result.expressions);

  for (const entry of reader.entries(fields.get('vars'))) {
    if (!variableNamePattern.test(entry.key)) {
      reader.error(entry.line, `variable name \`${entry.key}\` must be a shell variable name (letters, digits and \`_\`, not starting with a digit)`);
      continue;
    }
    const value = entry.value && isScalar(entry.value) ? (entry.value.value === null ? '' : scalarText(entry.value)) : undefined;
    if (value === undefined) reader.error(entry.line, `variable \`${entry.key}\` must be text, not a list or mapping`);
    else journey.vars[entry.key] = value;
  }

  // A tool is a name (`- kubectl`) or `{ name, version, why }`.
  for (const item of reader.list(fields.get('tools'))) {
    const name = item.node && isScalar(item.node) ? scalarText(item.node) : undefined;
    if (name !== undefined) {
      journey.tools.push({ name });
      continue;
    }
    const toolFields = reader.fields(item.node, toolKeys, 'a tool', item.line);
    if (!toolFields) continue;
    const toolName = reader.text(reader.required(toolFields, 'name', 'a tool', item.line));
    if (toolName === undefined) continue;
    const tool: ToolRequirement = { name: toolName };
    const version = reader.text(toolFields.get('version'));
    if (version !== undefined) tool.version = version;
    const why = reader.text(toolFields.get('why'));
    if (why !== undefined) tool.why = why;
    journey.tools.push(tool);
  }

  const oneTerminal = reader.boolean(fields.get('one-terminal'));
  if (oneTerminal) journey.oneTerminal = true;
  const excludeField = fields.get('exclude');
  if (excludeField) {
    result.excludeLine = excludeField.line;
    journey.exclude = [];
    for (const item of reader.list(excludeField)) {
      const path = item.node && isScalar(item.node) ? scalarText(item.node) : undefined;
      if (path === undefined || path.trim() === '' || path.startsWith('/') || /(^|\/)\.\.(\/|$)/.test(path)) {
        reader.error(item.line, '`exclude` lists Markdown files (or folders ending in `/`) of the journey folder that are not chapters, as paths inside it, like `docs/faq.md`');
        continue;
      }
      journey.exclude.push(path.replace(/^\.\//, ''));
    }
  }
  result.problems = sortProblems(reader.problems);
  return result;
}

/**
 * Put journey.yaml and the chapters together and check what spans files: chapter ids that
 * references point at, check modules, expressions and what they refer to. Pure.
 */
export function assembleJourney(
  journeyFile: ParsedJourneyFile,
  parsedChapters: readonly ParsedChapter[],
  files: JourneyFiles,
  dir: string,
): { journey: Journey; problems: JourneyProblem[] } {
  const problems: JourneyProblem[] = [...journeyFile.problems];
  const error = (file: string, line: number, message: string): void => {
    problems.push({ loc: { file, line }, message, severity: 'error' });
  };
  const warn = (file: string, line: number, message: string): void => {
    problems.push({ loc: { file, line }, message, severity: 'warning' });
  };

  const chapters = new Map<string, Chapter>();
  for (const parsed of parsedChapters) {
    problems.push(...parsed.problems);
    const { chapter } = parsed;
    const existing = chapters.get(chapter.id);
    if (existing) {
      const message = (other: Chapter): string =>
        `chapter id \`${chapter.id}\` is also used by ${other.file}: rename one (\`x.md\` and \`x/README.md\` are both \`x\`)`;
      error(chapter.file, 0, message(existing));
      error(existing.file, 0, message(chapter));
      continue;
    }
    chapters.set(chapter.id, chapter);
  }
  const journey: Journey = { ...journeyFile.journey, dir, chapters };

  // Every reference must name a chapter.
  const refs = [...journeyFile.refs, ...parsedChapters.flatMap((parsed) => parsed.refs)];
  for (const ref of refs) {
    if (!chapters.has(ref.id)) {
      const written = ref.written === ref.id ? '' : ` (written \`${ref.written}\`)`;
      const hint = didYouMean(ref.id, chapters.keys()) || (chapters.size === 0 ? ' — the journey has no chapters yet' : '');
      error(ref.file, ref.line, `${ref.role} points at unknown chapter \`${ref.id}\`${written}${hint}`);
    } else if (ref.file !== 'journey.yaml' && chapters.get(ref.id)?.file === ref.file) {
      error(ref.file, ref.line, `${ref.role} points at its own chapter: the learner would never get out`);
    }
  }

  // Check modules must exist in checks/.
  for (const parsed of parsedChapters) {
    for (const use of parsed.uses) {
      if (!files.checkModules.has(use.module)) {
        error(use.file, use.line, `no check module \`${use.module}\`: expected checks/${use.module}.ts or checks/${use.module}.js${didYouMean(use.module, files.checkModules)}`);
      }
    }
  }

  // Expressions must parse, and name choice points, choices and variables that exist.
  const knownVariables = new Set<string>([...Object.keys(journey.vars), ...journey.inputs.map((input) => input.name)]);
  for (const chapter of chapters.values()) {
    for (const input of chapter.inputs) knownVariables.add(input.name);
    for (const step of chapter.steps) for (const name of step.exports) knownVariables.add(name);
  }
  const sites = [...journeyFile.expressions, ...parsedChapters.flatMap((parsed) => parsed.expressions)];
  for (const site of sites) {
    const { file, line } = site.expr.loc;
    const problem = checkExpression(site.expr.source, site.scope);
    if (problem) {
      const shown = site.expr.source.length > 200 ? `${site.expr.source.slice(0, 200)}…` : site.expr.source;
      error(file, line, `${site.role} is not a valid expression: ${problem} in \`${shown}\``);
      continue;
    }
    const references = expressionReferences(site.expr.source, site.scope);
    for (const reference of references?.choices ?? []) {
      const target = chapters.get(reference.chapter);
      if (!target || target.choices.length === 0) {
        const choicePointIds = [...chapters.values()].filter((c) => c.choices.length > 0).map((c) => c.id);
        error(
          file,
          line,
          `${site.role} uses \`choices["${reference.chapter}"]\`, but \`${reference.chapter}\` is not a choice point${didYouMean(reference.chapter, choicePointIds)}`,
        );
        continue;
      }
      for (const value of reference.values) {
        if (value !== '' && !target.choices.some((choice) => choice.id === value)) {
          const ids = [...new Set(target.choices.map((choice) => choice.id))];
          error(file, line, `${site.role} compares \`choices["${reference.chapter}"]\` with \`${value}\`, which is not one of its choices (${ids.join(', ')})${didYouMean(value, ids)}`);
        }
      }
    }
    for (const name of references?.vars ?? []) {
      if (!knownVariables.has(name)) {
        warn(file, line, `${site.role} uses \`vars.${name}\`, which no \`vars\` entry, input or step \`export\` of this journey sets${didYouMean(name, knownVariables)}`);
      }
    }
  }

  // `${NAME}` in input defaults should name a known variable.
  const inputs = [...journey.inputs, ...[...chapters.values()].flatMap((chapter) => chapter.inputs)];
  for (const input of inputs) {
    for (const match of (input.default ?? '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
      const name = match[1]!;
      if (!knownVariables.has(name)) warn(input.loc.file, input.loc.line, `the default of input \`${input.name}\` uses \`\${${name}}\`, which nothing in this journey sets`);
    }
  }

  return { journey, problems };
}

/** `journey` when the folder has journey.yaml, `plain` when it has only a README.md or index.md to start at. */
async function assertJourneyFolder(dir: string, root: string): Promise<'journey' | 'plain' | 'scenario'> {
  const folder = await stat(root).catch((error: NodeJS.ErrnoException) => error);
  if (folder instanceof Error) {
    if (folder.code === 'ENOENT') {
      throw new UserError(`no journey at ${dir}: the folder does not exist`, { hint: 'pass the folder that holds journey.yaml' });
    }
    throw new UserError(`cannot read the journey folder ${dir}: ${folder.message}`, { cause: folder });
  }
  if (!folder.isDirectory()) throw new UserError(`${dir} is a file, not a journey folder`, { hint: 'pass the folder that holds journey.yaml' });
  const manifest = await stat(join(root, 'journey.yaml')).catch(() => undefined);
  if (manifest?.isFile()) return 'journey';
  if ((await stat(join(root, 'index.json')).catch(() => undefined))?.isFile()) return 'scenario';
  for (const page of startPages) if ((await stat(join(root, page)).catch(() => undefined))?.isFile()) return 'plain';
  throw new UserError(`${dir} is not a journey: it has no journey.yaml, and no README.md or index.md to start a plain tutorial at`, {
    hint: 'a journey folder needs a journey.yaml with `id`, `title` and `start` (the first chapter), next to its chapter files; a folder of plain Markdown is played from its README.md',
  });
}

async function readText(path: string, dir: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${path} in the journey at ${dir}: ${(error as Error).message}`, {
      hint: 'check that the file exists and that you may read it',
      cause: error,
    });
  }
}
