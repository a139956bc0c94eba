/**
 * One chapter file (front matter + Markdown) → a Chapter, with every problem found in it.
 * Pure: text in, model out. References to other chapters are resolved to absolute ids here and
 * checked against the whole journey later (see `assembleJourney`).
 */

import type { Node } from '../yaml.ts';
import { isMap, isScalar } from '../yaml.ts';
import { splitChapterBody } from './markdown.ts';
import type { Chapter, CheckSpec, Choice, Expression, InputSpec, JourneyProblem, NextRule } from './model.ts';
import { chapterIdFromPath, resolveChapterRef } from './ids.ts';
import type { ExpressionScope } from './expressions.ts';
import { sortProblems } from './problems.ts';
import { patternMatches, patternProblem } from './regex.ts';
import { idPattern, variableNamePattern } from './text.ts';
import { YamlReader, type Field } from './yaml-fields.ts';

export const chapterKeys = ['title', 'episode', 'summary', 'when', 'because', 'skip-to', 'kubeconfig', 'inputs', 'choices', 'next', 'dead-end', 'message', 'checks'] as const;
export const inputKeys = ['name', 'prompt', 'help', 'default', 'validate', 'message', 'secret', 'when', 'because'] as const;
export const choiceKeys = ['id', 'label', 'goto', 'summary', 'when', 'because'] as const;
export const nextKeys = ['goto', 'when'] as const;
export const checkKeys = ['id', 'title', 'timeout', 'hint', 'when', 'use', 'with', 'assert', 'error', 'expression'] as const;

/** A reference to a chapter, as written, for checking once every chapter is known. */
export interface ChapterRef {
  /** The absolute id it resolved to. */
  id: string;
  written: string;
  /** What holds the reference, for messages: `` `goto` ``, `` `next` ``, `` `skip-to` ``, `` `start` ``, ``phase `x` ``. */
  role: string;
  file: string;
  line: number;
}

/** An expression to check once the journey is known. */
export interface ExpressionSite {
  expr: Expression;
  scope: ExpressionScope;
  /** What it is, for messages: `when`, `expression`. */
  role: string;
}

/** A chapter with what the journey-wide checks need. */
export interface ParsedChapter {
  chapter: Chapter;
  problems: JourneyProblem[];
  refs: ChapterRef[];
  expressions: ExpressionSite[];
  /** `use:` check modules, with lines. */
  uses: { module: string; file: string; line: number }[];
  /** False when the front matter could not be read at all (its meaning is then unknown). */
  readable: boolean;
  /** A plain tutorial's page whose front matter is a documentation site's (`sidebar_position`, `slug`, ...). */
  siteFrontMatter?: boolean;
}

/** Largest chapter file read (characters): the bundled chapters have 20 thousand at most. */
export const MAX_FILE_CHARACTERS = 1_000_000;

/** A chapter file too large to read: one problem on its first line, nothing parsed. */
function tooLarge(source: string, file: string, id: string): ParsedChapter {
  const chapter: Chapter = { id, file, title: id, inputs: [], choices: [], next: [], checks: [], segments: [], steps: [], bodyLine: 1, loc: { file, line: 1 } };
  const size = (source.length / 1_000_000).toFixed(1);
  return {
    chapter,
    problems: [{ loc: { file, line: 1 }, message: `the file has ${size} million characters; a chapter may have at most ${MAX_FILE_CHARACTERS / 1_000_000} million: split it into several chapters`, severity: 'error' }],
    refs: [],
    expressions: [],
    uses: [],
    readable: false,
  };
}

/** Parse a chapter file. `file` is its path relative to the journey folder, with `/`. */
export function parseChapter(source: string, file: string): ParsedChapter {
  if (source.length > MAX_FILE_CHARACTERS) return tooLarge(source, file, chapterIdFromPath(file));
  const text = source.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const id = chapterIdFromPath(file);
  const chapter: Chapter = {
    id,
    file,
    title: id,
    inputs: [],
    choices: [],
    next: [],
    checks: [],
    segments: [],
    steps: [],
    bodyLine: 1,
    loc: { file, line: 1 },
  };
  const parsed: ParsedChapter = { chapter, problems: [], refs: [], expressions: [], uses: [], readable: false };
  const problem = (line: number, message: string, severity: JourneyProblem['severity'] = 'error'): void => {
    parsed.problems.push({ loc: { file, line }, message, severity });
  };

  const frontMatter = splitFrontMatter(text);
  if ('error' in frontMatter) {
    problem(frontMatter.line, frontMatter.error);
  } else {
    const reader = new YamlReader(file, frontMatter.yaml, 2);
    if (reader.parsed) {
      parsed.readable = true;
      readFrontMatter(reader, parsed, frontMatter.closeLine);
    }
    parsed.problems.push(...reader.problems);
  }

  const bodyLine = 'error' in frontMatter ? 1 : frontMatter.closeLine + 1;
  const body = 'error' in frontMatter ? text : frontMatter.body;
  const split = splitChapterBody(body, { file, startLine: bodyLine });
  chapter.bodyLine = bodyLine;
  chapter.segments = split.segments;
  chapter.steps = split.steps;
  parsed.problems.push(...split.problems);
  for (const step of split.steps) {
    if (step.when) parsed.expressions.push({ expr: step.when, scope: 'condition', role: `\`when\` of step \`${step.id}\`` });
  }
  for (const when of split.proseConditions) parsed.expressions.push({ expr: when, scope: 'outcome', role: '`when` of a text block' });
  parsed.problems = sortProblems(parsed.problems);
  return parsed;
}

type FrontMatter = { yaml: string; body: string; closeLine: number } | { error: string; line: number };

/** The YAML between a first line `---` and the next line `---` (or `...`). */
export function splitFrontMatter(text: string): FrontMatter {
  const lines = text.split('\n');
  if ((lines[0] ?? '').trimEnd() !== '---') {
    return {
      error: 'the chapter has no front matter: start the file with a line `---`, then `title: ...`, then another line `---`',
      line: 1,
    };
  }
  const close = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)\s*$/.test(line));
  if (close === -1) return { error: 'the front matter that starts on line 1 is never closed: add a line `---` after it', line: 1 };
  return { yaml: lines.slice(1, close).join('\n'), body: lines.slice(close + 1).join('\n'), closeLine: close + 1 };
}

function readFrontMatter(reader: YamlReader, parsed: ParsedChapter, closeLine: number): void {
  const { chapter } = parsed;
  const root = reader.root;
  if (!root || (isScalar(root) && root.value === null)) {
    reader.error(2, 'the front matter is empty: it needs at least `title: ...`');
    return;
  }
  const fields = reader.fields(root, chapterKeys, 'the front matter', 2);
  if (!fields) return;
  const endLine = closeLine;

  const title = reader.text(reader.required(fields, 'title', 'the front matter', 2));
  if (title !== undefined) chapter.title = title;
  const episode = reader.text(fields.get('episode'));
  if (episode !== undefined) chapter.episode = episode;
  const summary = reader.text(fields.get('summary'));
  if (summary !== undefined) chapter.summary = summary;

  const when = withBecause(reader, reader.expression(fields.get('when')), fields);
  if (when) {
    chapter.when = when;
    parsed.expressions.push({ expr: when, scope: 'condition', role: '`when`' });
  }
  const skipToField = fields.get('skip-to');
  const skipTo = ref(reader, parsed, skipToField, '`skip-to`');
  if (skipTo !== undefined) chapter.skipTo = skipTo;

  const kubeconfig = reader.text(fields.get('kubeconfig'));
  if (kubeconfig !== undefined) {
    if (/^(\/|~)|(^|\/)\.\.(\/|$)/.test(kubeconfig)) reader.error(fields.get('kubeconfig')!.line, '`kubeconfig` is a file in the learner\'s workspace: write a relative path without `..`');
    else chapter.kubeconfig = kubeconfig;
  }
  chapter.inputs = readInputs(reader, fields.get('inputs'), parsed.expressions);
  chapter.choices = readChoices(reader, parsed, fields.get('choices'));
  chapter.next = readNext(reader, parsed, fields.get('next'));
  chapter.checks = readChecks(reader, parsed, fields.get('checks'));

  // Dead ends: `dead-end: "message"`, or `dead-end: true` with `message: ...`.
  const deadEndField = fields.get('dead-end');
  const messageField = fields.get('message');
  if (deadEndField) {
    const node = deadEndField.value;
    if (isScalar(node) && typeof node.value === 'boolean') {
      if (node.value) {
        const message = reader.text(messageField);
        if (!messageField) reader.error(deadEndField.line, '`dead-end: true` needs a `message:` saying why this path does not work');
        chapter.deadEnd = { message: message ?? '' };
      } else if (messageField) {
        reader.error(messageField.line, '`message` is only used with `dead-end: true`');
      }
    } else {
      const message = reader.text(deadEndField);
      if (message !== undefined) chapter.deadEnd = { message };
      if (messageField) reader.error(messageField.line, '`message` is only used with `dead-end: true`; here `dead-end` already holds the message');
    }
  } else if (messageField) {
    reader.error(messageField.line, '`message` is only used with `dead-end: true`');
  }

  // How the chapter continues must be unambiguous.
  const choicesLine = fields.get('choices')?.line ?? endLine;
  const nextLine = fields.get('next')?.line ?? endLine;
  if (chapter.choices.length > 0 && fields.has('next')) {
    reader.error(nextLine, 'a chapter with `choices` continues with the chosen option: remove `next` (put it on the chapters the choices go to)');
  }
  if (chapter.deadEnd && fields.has('choices')) reader.error(choicesLine, 'a dead end sends the learner back to the last choice: remove `choices`');
  if (chapter.deadEnd && fields.has('next')) reader.error(nextLine, 'a dead end sends the learner back to the last choice: remove `next`');
  if (chapter.when && !skipToField && (chapter.choices.length > 0 || chapter.deadEnd)) {
    reader.error(
      fields.get('when')!.line,
      `a ${chapter.deadEnd ? 'dead end' : 'choice point'} with \`when\` needs \`skip-to\`: it has no \`next\` to continue with when it is skipped`,
    );
  }
  if (skipToField && !chapter.when) reader.warn(skipToField.line, '`skip-to` has no effect without `when`');
}

function ref(reader: YamlReader, parsed: ParsedChapter, field: Field | undefined, role: string, line = field?.line): string | undefined {
  const written = reader.text(field);
  if (written === undefined || line === undefined) return undefined;
  return refFromText(reader, parsed, written, role, line);
}

function refFromText(reader: YamlReader, parsed: ParsedChapter, written: string, role: string, line: number): string | undefined {
  const resolved = resolveChapterRef(written, reader.file);
  if ('error' in resolved) {
    reader.error(line, `${role}: ${resolved.error}`);
    return undefined;
  }
  parsed.refs.push({ id: resolved.id, written, role, file: reader.file, line });
  return resolved.id;
}

/** `inputs:` of a chapter or of journey.yaml. */
export function readInputs(reader: YamlReader, field: Field | undefined, expressions: ExpressionSite[]): InputSpec[] {
  const inputs: InputSpec[] = [];
  for (const item of reader.list(field)) {
    const fields = reader.fields(item.node, inputKeys, 'an input', item.line);
    if (!fields) continue;
    const name = reader.text(reader.required(fields, 'name', 'an input', item.line));
    const prompt = reader.text(reader.required(fields, 'prompt', 'an input', item.line));
    if (name === undefined || prompt === undefined) continue;
    const nameLine = fields.get('name')!.line;
    if (!variableNamePattern.test(name)) {
      reader.error(nameLine, `input name \`${name}\` must be a shell variable name (letters, digits and \`_\`, not starting with a digit), like \`DOMAIN\``);
    }
    if (inputs.some((other) => other.name === name)) reader.error(nameLine, `two inputs are named \`${name}\``);
    const input: InputSpec = { name, prompt, secret: reader.boolean(fields.get('secret')) ?? false, loc: reader.loc(item.line) };
    const help = reader.text(fields.get('help'));
    if (help !== undefined) input.help = help;
    const defaultValue = reader.text(fields.get('default'));
    if (defaultValue !== undefined) input.default = defaultValue;
    const validateField = fields.get('validate');
    const validate = reader.text(validateField);
    if (validate !== undefined && validateField) {
      const problem = validateRuleProblem(validate);
      if (problem) reader.error(validateField.line, problem);
      else {
        input.validate = validate;
        if (defaultValue !== undefined && validate.startsWith('regex:') && !defaultValue.includes('${')) {
          if (!patternMatches(validate.slice('regex:'.length), defaultValue, true)) {
            reader.warn(fields.get('default')!.line, `the default \`${defaultValue}\` does not match its own \`validate\` pattern`);
          }
        }
      }
    }
    const message = reader.text(fields.get('message'));
    if (message !== undefined) {
      if (input.validate) input.message = message;
      else reader.warn(fields.get('message')!.line, '`message` is what a wrong answer is told: it needs `validate`');
    }
    const when = withBecause(reader, reader.expression(fields.get('when')), fields);
    if (when) {
      input.when = when;
      expressions.push({ expr: when, scope: 'condition', role: `\`when\` of input \`${name}\`` });
    }
    inputs.push(input);
  }
  return inputs;
}

/** A `when` with the author's `because:` next to it, which learners read instead of the expression. */
function withBecause(reader: YamlReader, when: Expression | undefined, fields: Map<string, Field>): Expression | undefined {
  const field = fields.get('because');
  const because = reader.text(field);
  if (because === undefined) return when;
  if (!when) {
    reader.warn(field!.line, '`because` has no effect without `when`');
    return when;
  }
  return { ...when, because };
}

/** Validation rules an input may name. A `regex:` pattern must match the whole value. */
export const validateRules = ['hostname', 'email', 'url', 'regex:<pattern>'] as const;

function validateRuleProblem(rule: string): string | undefined {
  if (rule === 'hostname' || rule === 'email' || rule === 'url') return undefined;
  if (rule.startsWith('regex:')) {
    const problem = patternProblem(rule.slice('regex:'.length));
    return problem ? `\`validate\` pattern does not compile: ${problem}` : undefined;
  }
  return `\`validate: ${rule}\` is not a known rule: use hostname, email, url, or regex:<pattern>`;
}

function readChoices(reader: YamlReader, parsed: ParsedChapter, field: Field | undefined): Choice[] {
  const choices: Choice[] = [];
  const items = reader.list(field);
  if (field && items.length === 0 && reader.problems.every((p) => p.loc.line !== field.line)) {
    reader.error(field.line, '`choices` is empty: list at least two options, or remove it');
  }
  for (const item of items) {
    const fields = reader.fields(item.node, choiceKeys, 'a choice', item.line);
    if (!fields) continue;
    const id = reader.text(reader.required(fields, 'id', 'a choice', item.line));
    const label = reader.text(reader.required(fields, 'label', 'a choice', item.line));
    const gotoField = reader.required(fields, 'goto', `choice \`${id ?? '?'}\``, item.line);
    const goto = ref(reader, parsed, gotoField, '`goto`');
    if (id === undefined || label === undefined) continue;
    const idLine = fields.get('id')!.line;
    if (!idPattern.test(id)) reader.error(idLine, `choice id \`${id}\` may only contain letters, digits, \`-\`, \`_\` and \`.\``);
    if (choices.some((other) => other.id === id)) reader.error(idLine, `two choices have id \`${id}\` in this chapter; choice ids must be unique`);
    const choice: Choice = { id, label, goto: goto ?? '', loc: reader.loc(item.line) };
    const summary = reader.text(fields.get('summary'));
    if (summary !== undefined) choice.summary = summary;
    const when = reader.expression(fields.get('when'));
    if (when) {
      choice.when = when;
      parsed.expressions.push({ expr: when, scope: 'condition', role: `\`when\` of choice \`${id}\`` });
    }
    const because = reader.text(fields.get('because'));
    if (because !== undefined) choice.because = because;
    if (when && because === undefined) reader.warn(fields.get('when')!.line, `choice \`${id}\` has \`when\` but no \`because\`: say why it is disabled`);
    if (!when && fields.has('because')) reader.warn(fields.get('because')!.line, `choice \`${id}\` has \`because\` but no \`when\`; it is never disabled`);
    choices.push(choice);
  }
  if (choices.length === 1) reader.warn(field!.line, 'a choice point with a single option is not a choice: add another option, or use `next`');
  return choices;
}

function readNext(reader: YamlReader, parsed: ParsedChapter, field: Field | undefined): NextRule[] {
  if (!field) return [];
  const node = field.value;
  if (isScalar(node) && typeof node.value === 'string') {
    const goto = ref(reader, parsed, field, '`next`');
    return goto === undefined ? [] : [{ goto, loc: reader.loc(field.line) }];
  }
  const rules: NextRule[] = [];
  const items = reader.list(field);
  items.forEach((item, index) => {
    let rule: NextRule | undefined;
    if (isScalar(item.node) && typeof item.node.value === 'string') {
      const goto = refFromText(reader, parsed, item.node.value, '`next`', item.line);
      if (goto !== undefined) rule = { goto, loc: reader.loc(item.line) };
    } else {
      const fields = reader.fields(item.node, nextKeys, 'a `next` rule', item.line);
      if (!fields) return;
      const goto = ref(reader, parsed, reader.required(fields, 'goto', 'a `next` rule', item.line), '`next`');
      const when = reader.expression(fields.get('when'));
      if (when) parsed.expressions.push({ expr: when, scope: 'condition', role: '`when` of a `next` rule' });
      if (goto !== undefined) {
        rule = { goto, loc: reader.loc(item.line) };
        if (when) rule.when = when;
      }
    }
    if (!rule) return;
    const previous = rules.find((r) => !r.when);
    if (previous) reader.warn(item.line, `this \`next\` rule is never used: the rule on line ${previous.loc.line} has no \`when\` and always applies first`);
    rules.push(rule);
    if (index === items.length - 1 && rule.when && rules.every((r) => r.when)) {
      reader.warn(item.line, 'every `next` rule has a `when`: add a last rule without `when`, so no learner is left without a way on');
    }
  });
  return rules;
}

function readChecks(reader: YamlReader, parsed: ParsedChapter, field: Field | undefined): CheckSpec[] {
  const checks: CheckSpec[] = [];
  reader.list(field).forEach((item, index) => {
    const fields = reader.fields(item.node, checkKeys, 'a check', item.line);
    if (!fields) return;
    const kinds = (['use', 'assert', 'error'] as const).filter((kind) => fields.has(kind));
    if (kinds.length !== 1) {
      reader.error(
        item.line,
        kinds.length === 0
          ? 'a check needs one of `use: <module>`, `assert: <object>` or `error: <object>`'
          : `a check has one of \`use\`, \`assert\`, \`error\`, not ${kinds.map((k) => `\`${k}\``).join(' and ')}: split it into ${kinds.length} checks`,
      );
      return;
    }
    const kind = kinds[0]!;
    const common = {
      id: '',
      loc: reader.loc(item.line),
      ...optional('title', reader.text(fields.get('title'))),
      ...optional('timeout', reader.seconds(fields.get('timeout'))),
      ...optional('hint', reader.text(fields.get('hint'))),
      ...optional('when', reader.expression(fields.get('when'))),
    };
    if (common.when) parsed.expressions.push({ expr: common.when, scope: 'condition', role: '`when` of a check' });
    let check: CheckSpec | undefined;
    if (kind === 'use') {
      const useField = fields.get('use')!;
      const module = reader.text(useField);
      if (fields.has('expression')) reader.error(fields.get('expression')!.line, '`expression` belongs to `assert`/`error` checks; a `use` check gets its arguments from `with`');
      const args = fields.has('with') ? reader.object(fields.get('with')) : {};
      if (module !== undefined) {
        if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(module) || module.includes('..')) {
          reader.error(useField.line, `\`use: ${module}\` must name a module in the journey's \`checks/\` folder, without extension, like \`deployment-ready\``);
        } else {
          parsed.uses.push({ module, file: reader.file, line: useField.line });
        }
        check = { ...common, id: module, kind, use: module, with: args ?? {} };
      }
    } else {
      const objectField = fields.get(kind)!;
      if (fields.has('with')) reader.error(fields.get('with')!.line, '`with` belongs to `use` checks');
      const object = reader.object(objectField);
      if (object) {
        const missing = ['apiVersion', 'kind'].filter((key) => typeof object[key] !== 'string');
        if (missing.length > 0) {
          reader.error(objectField.line, `the \`${kind}\` object needs ${missing.map((k) => `\`${k}\``).join(' and ')}, to know which resource to look at`);
        }
        const expression = reader.expression(fields.get('expression'));
        if (expression) parsed.expressions.push({ expr: expression, scope: 'object', role: '`expression` of a check' });
        check = { ...common, id: `check-${index + 1}`, kind, object, ...optional('expression', expression) };
      }
    }
    if (!check) return;
    const idField = fields.get('id');
    const explicitId = reader.text(idField);
    if (explicitId !== undefined) {
      if (!idPattern.test(explicitId)) reader.error(idField!.line, `check id \`${explicitId}\` may only contain letters, digits, \`-\`, \`_\` and \`.\``);
      check.id = explicitId;
    }
    if (checks.some((other) => other.id === check.id)) {
      reader.error(idField?.line ?? item.line, `two checks have id \`${check.id}\` in this chapter: give ${explicitId ? 'one' : 'this one'} a different \`id:\``);
    }
    checks.push(check);
  });
  return checks;
}

/** `{ key: value }` when value is defined, `{}` otherwise (optional properties stay absent). */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]?: V });
}

/** Whether a YAML node is a mapping (exported for journey.yaml reading). */
export function isMapping(node: Node | null): boolean {
  return node !== null && isMap(node);
}
