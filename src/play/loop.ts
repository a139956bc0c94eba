import { existsSync } from 'node:fs';
import path from 'node:path';
import { ExitCode, UserError } from '../errors.ts';
import { conditionContext, type ConditionContext } from '../journey/expressions.ts';
import { chapterSkipReason, choiceState, holds, resolveNext, skipTarget, type NextResult } from '../journey/graph.ts';
import type { Chapter, Expression, InferredFrom, InputSpec, Journey, Step } from '../journey/model.ts';
import type { Asker, PromptOption } from '../prompts.ts';
import {
  renderCallout,
  renderChapterHeader,
  renderPlainCommand,
  renderSkipNotice,
  renderStatusLine,
  renderStepCard,
} from '../render/chapter.ts';
import { renderMarkdown } from '../render/markdown.ts';
import { sanitize } from '../render/sanitize.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { choiceValues, nameLooksSecret, stepKey, undoLastChoice, variableValues, type AudienceRecord, type Progress } from '../state/progress.ts';
import { variableLooksSecret } from '../classroom/mirror.ts';
import { stepVariables, variableNameRefusal } from '../state/variables.ts';
import type { StepResult } from '../steps/run.ts';
import { chapterKubeEnvironment, missingChapterKubeconfig } from './chapter-cluster.ts';
import { interpolate, validateInput } from './inputs.ts';
import { skipReason } from '../journey/reasons.ts';
import { chapterHeaderInfo, renderChapterPage, whereYouAre } from './page.ts';
import { FULL_TEXT_OPTION, renderRecap, resumePoint } from './recap.ts';
import { renderDeferred, renderProse, type DeferredBlock } from './prose.ts';
import { editInEditor, editorCommand } from './edit.ts';
import { CONTENTS_OPTION, pickFromContents, stepState } from './contents.ts';
import { askSkippedExports, askText, SET_VARIABLE_OPTION, setVariable, type VariableAsking } from './variables.ts';
import { jumpInputFor, jumpVariables, nextJumpChoice } from '../journey/jump.ts';
import { dict } from '../dict.ts';

/** Answers given up front, from --choose, --set and --answers. */
export interface PresetAnswers {
  choices: Record<string, string>;
  inputs: Record<string, string>;
}

/**
 * What happened, for machines (`hero-journey play --json` prints one per line): the path taken,
 * steps and checks with their outcome, the way the run ended. Secret values never appear.
 */
export type PlayEvent =
  | { event: 'chapter'; chapter: string; title: string }
  | { event: 'inferred'; journey: string; from: InferredFrom; message: string }
  | { event: 'chapter-skipped'; chapter: string; title: string; reason: string }
  | { event: 'input'; chapter?: string; name: string; source: 'flag' | 'default' | 'prompt'; secret: boolean; value?: string }
  | { event: 'step'; chapter: string; step: string; index: number; title?: string; status: 'done' | 'done-earlier' | 'skipped' | 'failed' | 'not-run'; reason?: string; exitCode?: number; captured?: string[] }
  | { event: 'checks'; chapter: string; status: 'passed' | 'failed' | 'skipped' | 'not-run'; summary?: string }
  | { event: 'choice'; chapter: string; choice: string; source: 'flag' | 'prompt' | ChoiceDecision['source'] }
  | { event: 'dead-end'; chapter: string; message: string; back?: string }
  | { event: 'end'; journey: string }
  | { event: 'stopped'; exitCode: number; message?: string; hint?: string };

/** A choice point decided by someone other than the learner at the keyboard. */
export interface ChoiceDecision {
  choice: string;
  /** `audience`: the presenter's live vote; `room`: the vote of the room this attendee follows. */
  source: 'audience' | 'room';
  audience?: AudienceRecord;
}

/** Everything the play loop works with; built by the play command. */
export interface PlayContext {
  journey: Journey;
  progress: Progress;
  save: () => Promise<void>;
  asker: Asker;
  answers: PresetAnswers;
  terminal: TerminalOptions;
  /** True when output goes to a terminal (live spinner, prompts). */
  tty: boolean;
  /** Writes a block of output, adding a final newline when missing. */
  write: (text: string) => void;
  /** Writes exactly the given text (live output redraws its status line in place). */
  writeRaw: (text: string) => void;
  /** Hears what happened (for --json). */
  emit?: (event: PlayEvent) => void;
  /** Shows chapter text taller than the terminal a screen at a time before it is written (a learner at a terminal, pager not turned off). */
  pageText?: (text: string) => Promise<void>;
  /** Called as the first chapter's page is shown (before the learner may have read it), and awaited before the first step runs (a pre-flight check). */
  preflight?: { pageShown(): void; beforeFirstStep(): Promise<void> };
  /** The folder steps run in. */
  workspace: string;
  /** Extra environment for steps (kubeconfig, context). */
  stepEnv: Record<string, string>;
  dryRun: boolean;
  /** --yes: steps may run without a prompt. Without it and without a terminal, no step runs. */
  yes?: boolean;
  /** `play --from`: the chapter to jump to before playing on. */
  from?: Chapter;
  /** Up-front answers that led to a dead end, by choice point: never used twice. */
  deadEndAnswers: Map<string, string>;
  /**
   * Called when a step or a wait for checks starts; the function it returns, when it ends (Ctrl-C
   * handling in a terminal). `onKey` hears any other key (a wait the learner may stop).
   */
  guardStep?: (onKey?: () => void) => () => void;
  /**
   * Interactive play: hands the terminal to a step that waits for the keyboard (cooked mode, with
   * hero-journey not reading it); the function it returns takes it back. Without it, such a step gets no input.
   */
  handKeyboard?: () => () => void;
  /** Aborted on Ctrl-C while a step runs. */
  signal: AbortSignal;
  /** Decides choice points not answered up front (a live vote); undefined from it: ask as usual. */
  decideChoice?: (chapter: Chapter, options: Array<PromptOption<string> & { disabled: string | false }>) => Promise<ChoiceDecision | undefined>;
  now?: () => Date;
  /** The command line that runs hero-journey with `args` for this journey and workspace, as the learner started it. */
  command?: (args: string) => string;
}

/** Thrown when the learner chooses to stop; progress is already saved. */
export class StopPlaying extends Error {
  override readonly name = 'StopPlaying';
  readonly exitCode: number;
  constructor(exitCode: number = ExitCode.ok) {
    super('stopped');
    this.exitCode = exitCode;
  }
}

const MAX_CHAPTERS_PER_RUN = 10_000;

/** What the learner types to run hero-journey with `args` (`npm start -- map` from a clone). */
function cmd(ctx: PlayContext, args = ''): string {
  return ctx.command?.(args) ?? (args ? `hero-journey ${args}` : 'hero-journey');
}

/** Play from the saved position until the journey ends or the learner stops. Returns the exit code. */
export async function playJourney(ctx: PlayContext): Promise<number> {
  const { journey, progress } = ctx;
  if (ctx.from) await jumpIn(ctx, ctx.from);
  if (progress.finished) {
    ctx.write(
      renderCallout('success', `${journey.title}: complete`, `You finished this journey here. Run \`${cmd(ctx, 'map')}\` to see your path, \`${cmd(ctx, 'back')}\` to try another branch, or \`${cmd(ctx, 'reset')}\` to start over.`, ctx.terminal),
    );
    return ExitCode.ok;
  }
  let current = progress.current ?? journey.start;
  if (progress.history.length === 0) {
    ctx.write(renderCallout('info', journey.title, journey.description ?? `Welcome. Your progress is saved as you go: stop any time and run ${cmd(ctx)} again to continue.`, ctx.terminal));
  } else {
    const where = journey.chapters.get(current)?.title ?? sanitize(current);
    const when = timeAgo(new Date(progress.updatedAt), ctx.now?.() ?? new Date());
    ctx.write(
      renderStatusLine('info', `Welcome back: resuming at "${where}"${when ? `, where you stopped ${when}` : ''}. "${cmd(ctx, 'status')}" shows your choices so far; "${cmd(ctx, 'back')}" undoes the last one.`, ctx.terminal),
    );
  }
  await askInputs(ctx, journey.inputs, { id: '', title: journey.title });
  const visited = { order: [] as string[], counts: new Map<string, number>() };
  for (let guard = 0; guard < MAX_CHAPTERS_PER_RUN; guard++) {
    // SIGTERM or Ctrl-C between chapters (a scripted run never waits at a prompt): stop, progress saved.
    if (ctx.signal?.aborted) throw new StopPlaying(ExitCode.interrupted);
    refuseEndlessLoop(ctx, visited, current);
    const chapter = journey.chapters.get(current);
    if (!chapter) {
      throw new UserError(`saved progress points at chapter "${current}", which journey "${journey.id}" does not have`, {
        hint: `the journey changed since you played it: run "${cmd(ctx, 'back')}" to return to your last choice, or "${cmd(ctx, 'reset')}" to start over`,
      });
    }
    progress.current = chapter.id;
    const next = await playChapter(ctx, chapter);
    if (next === undefined) {
      progress.finished = true;
      progress.current = undefined;
      await ctx.save();
      ctx.write(renderCallout('success', 'The end of this journey', `Hero made it through ${journey.title}. Run \`${cmd(ctx, 'map')}\` to see the path you took.`, ctx.terminal));
      ctx.emit?.({ event: 'end', journey: journey.id });
      return ExitCode.ok;
    }
    current = next;
    progress.current = next;
    await ctx.save();
  }
  throw new UserError(`journey "${journey.id}" did not end after ${MAX_CHAPTERS_PER_RUN} chapters in one run: it goes round in a loop`, {
    hint: `your progress is saved: run "${cmd(ctx, 'status')}" to see the path, "${cmd(ctx, 'back')}" to change the last choice`,
  });
}

/** Times a run without a person choosing may enter the same chapter: answers given up front repeat themselves. */
const MAX_SCRIPTED_VISITS = 100;

/**
 * A run whose choices all come from --choose, --answers or --yes takes the same way every time it
 * meets a choice point again, so a loop in the journey never ends: refuse it once a chapter comes
 * round the hundredth time, naming the loop.
 */
function refuseEndlessLoop(ctx: PlayContext, visited: { order: string[]; counts: Map<string, number> }, chapterId: string): void {
  if (ctx.asker.interactive) return;
  visited.order.push(chapterId);
  const count = (visited.counts.get(chapterId) ?? 0) + 1;
  visited.counts.set(chapterId, count);
  if (count < MAX_SCRIPTED_VISITS) return;
  const before = visited.order.lastIndexOf(chapterId, visited.order.length - 2);
  const loop = visited.order.slice(before).map((id) => ctx.journey.chapters.get(id)?.title ?? id);
  const answers = Object.entries(ctx.answers.choices).map(([point, option]) => `--choose ${point}=${option}`);
  throw new UserError(`journey "${ctx.journey.id}" came round to "${loop[0]}" ${MAX_SCRIPTED_VISITS} times without anyone choosing: ${loop.join(' → ')} repeats forever`, {
    hint: `${answers.length > 0 ? `the answers given (${answers.join(' ')}) always take the same way: ` : ''}answer a choice point on that loop with another option, or play in a terminal to choose each time. Your progress is saved.`,
  });
}

/**
 * `play --from`: make `target` the current chapter, first getting the answers the skipped
 * chapters would have given that the chapters from there on use: choice points (from
 * --choose/--answers, or asked), then variables (from --set/--answers, or asked as the phase's
 * `inputs` say). Answers already saved stay in force and are not asked again.
 */
async function jumpIn(ctx: PlayContext, target: Chapter): Promise<void> {
  const { journey, progress } = ctx;
  ctx.write(
    renderCallout(
      'info',
      `Jumping in at "${target.title}"`,
      'The chapters from here on use some answers of the chapters you skip: hero-journey asks for those (or takes them from --choose, --set and --answers), and nothing else.',
      ctx.terminal,
    ),
  );
  for (let point = nextJumpChoice(journey, target.id, choiceValues(progress)); point; point = nextJumpChoice(journey, target.id, choiceValues(progress))) {
    await choose(ctx, point, `${point.title}: what would you have chosen? (jumping in at "${target.title}")`);
  }
  const defined = [...Object.keys(progress.vars), ...journey.inputs.map((input) => input.name)];
  const wanted = jumpVariables(journey, target.id, choiceValues(progress), defined).map(
    (name) =>
      jumpInputFor(journey, target.id, name) ?? {
        name,
        prompt: `${name}, as an earlier chapter would have set it`,
        secret: nameLooksSecret(name),
        loc: target.loc,
      },
  );
  await askInputs(ctx, wanted, target);
  progress.current = target.id;
  progress.finished = false;
  await ctx.save();
}

/** Play one chapter; returns the id of the chapter to go to next, or undefined at the end. */
async function playChapter(ctx: PlayContext, chapter: Chapter): Promise<string | undefined> {
  const { progress } = ctx;
  const at = timestamp(ctx);
  const last = progress.history.at(-1);
  if (!last || last.chapter !== chapter.id || last.outcome) progress.history.push({ chapter: chapter.id, at });
  const entry = progress.history.at(-1)!;

  const skip = chapterSkipReason(ctx.journey, chapter, conditions(ctx));
  if (skip) {
    ctx.write(renderSkipNotice(`chapter "${chapter.title}"`, skip.replace(/^skipped: /, ''), ctx.terminal));
    ctx.emit?.({ event: 'chapter-skipped', chapter: chapter.id, title: chapter.title, reason: skip.replace(/^skipped: /, '') });
    entry.outcome = 'skipped';
    const target = follow(ctx, chapter, skipTarget(ctx.journey, chapter, conditions(ctx)));
    await ctx.save();
    return target;
  }

  ctx.emit?.({ event: 'chapter', chapter: chapter.id, title: chapter.title });
  ctx.preflight?.pageShown();
  // The text up to the next question, paged as one when it is taller than the terminal.
  let reading = '';
  const add = (text: string) => {
    if (text.trim()) reading += text.endsWith('\n') ? text : `${text}\n`;
  };
  add(renderChapterHeader(chapterHeaderInfo(ctx.journey, chapter), ctx.terminal));
  // Back in a chapter played partly before: a recap, not the text the learner read already.
  const resume = ctx.asker.interactive && !ctx.dryRun ? resumePoint(chapter, progress) : undefined;
  if (resume) add(renderRecap(chapter, resume, ctx.terminal, cmd(ctx, `show ${chapter.id}`)));
  const read = async () => {
    if (reading.trim()) await showText(ctx, reading);
    reading = '';
  };

  let inputsAsked = false;
  let lastStep: Step | undefined;
  // Steps before this index are skipped: the learner went ahead to a later step from the contents.
  let aheadTo = -1;
  const deferred: DeferredBlock[] = [];
  const proseState = () => ({ chapter, progress, conditions: conditions(ctx), dryRun: ctx.dryRun, lastStep });
  for (const [index, segment] of chapter.segments.entries()) {
    if (segment.kind === 'markdown') {
      // Rendered even when left out: text it holds for after the checks is still shown then.
      const text = renderProse(segment.text, proseState(), ctx.terminal, { ...(index === 0 ? { omitTitle: chapter.title } : {}), deferred });
      if (!resume || index >= resume.firstSegment) add(text);
      continue;
    }
    await read();
    if (!inputsAsked) {
      await askInputs(ctx, chapter.inputs, chapter);
      inputsAsked = true;
    }
    const outcome = await playStep(ctx, chapter, segment.step, aheadTo, Boolean(resume));
    if (outcome === 'back') return backToLastChoice(ctx);
    if (outcome) aheadTo = outcome.ahead;
    lastStep = segment.step;
  }
  await read();
  if (!inputsAsked) await askInputs(ctx, chapter.inputs, chapter);

  const gate = await checkGate(ctx, chapter);
  if (gate === 'back') return backToLastChoice(ctx);
  const after = renderDeferred(deferred, proseState(), ctx.terminal);
  if (after.trim()) await showText(ctx, after);

  if (chapter.deadEnd) {
    entry.outcome = 'dead-end';
    const point = lastChoicePoint(progress);
    const tried = point ? progress.choices[point]?.choice : undefined;
    const choicePoint = backToLastChoice(ctx);
    if (point && tried) {
      const deadEnds = dict(progress.deadEnds);
      const list = triedOptions(progress, point);
      if (!list.includes(tried)) deadEnds[point] = [...list, tried];
      progress.deadEnds = deadEnds;
    }
    ctx.emit?.({ event: 'dead-end', chapter: chapter.id, message: chapter.deadEnd.message, ...(choicePoint ? { back: choicePoint } : {}) });
    ctx.write(
      renderCallout(
        'warning',
        'Dead end',
        `${chapter.deadEnd.message}\n\n${choicePoint ? 'Back to the last choice: pick another option.' : 'There is no earlier choice to return to.'}`,
        ctx.terminal,
      ),
    );
    await ctx.save();
    // The choice point's page comes next and would push this notice off a small screen: wait for a key.
    if (choicePoint && ctx.asker.interactive) {
      const title = ctx.journey.chapters.get(choicePoint)?.title ?? choicePoint;
      await ctx.asker.select('A dead end.', [{ value: 'back', name: `Back to "${title}" to pick another option`, key: 'b' }], 'back');
    }
    return choicePoint ?? undefined;
  }

  entry.outcome = 'completed';
  if (chapter.choices.length > 0) return choose(ctx, chapter);
  return nextChapter(ctx, chapter);
}

/** Write chapter text, first a screen at a time when it is taller than the terminal and a pager is on. */
async function showText(ctx: PlayContext, text: string): Promise<void> {
  await ctx.pageText?.(text);
  ctx.write(text);
}

/**
 * Undo the last choice and return its choice point (undefined when none was made). An answer
 * given up front for it led here: asking it again would loop, so it is used up.
 */
function backToLastChoice(ctx: PlayContext): string | undefined {
  const choicePoint = undoLastChoice(ctx.progress);
  if (choicePoint && ctx.answers.choices[choicePoint] !== undefined) {
    ctx.deadEndAnswers.set(choicePoint, ctx.answers.choices[choicePoint]!);
    delete ctx.answers.choices[choicePoint];
  }
  return choicePoint;
}

/** The options of a choice point that led to a dead end. */
function triedOptions(progress: Progress, choicePoint: string): string[] {
  const list = progress.deadEnds && Object.hasOwn(progress.deadEnds, choicePoint) ? progress.deadEnds[choicePoint] : undefined;
  return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
}

/** The menu option that goes back to the last choice point (disabled before any choice). */
function backOption(ctx: PlayContext, back: string | undefined): PromptOption<'back'> {
  const title = back ? (ctx.journey.chapters.get(back)?.title ?? back) : undefined;
  return { value: 'back', name: title ? `Back to the last choice ("${title}")` : 'Back to the last choice', key: 'b', disabled: back ? false : 'no choice made yet' };
}

/** The choice point "back to the last choice" returns to, or undefined when no choice was made yet. */
function lastChoicePoint(progress: Progress): string | undefined {
  return [...progress.history].reverse().find((entry) => progress.choices[entry.chapter])?.chapter;
}

/** `5 minutes ago`, `yesterday`, `3 days ago`; empty for a moment ago or an unreadable date. */
export function timeAgo(then: Date, now: Date): string {
  const seconds = (now.getTime() - then.getTime()) / 1000;
  if (!Number.isFinite(seconds) || seconds < 60) return '';
  const units: Array<[number, string]> = [
    [60 * 60 * 24 * 365, 'year'],
    [60 * 60 * 24 * 30, 'month'],
    [60 * 60 * 24 * 7, 'week'],
    [60 * 60 * 24, 'day'],
    [60 * 60, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size);
    if (n < 1) continue;
    if (unit === 'day' && n === 1) return 'yesterday';
    return `${n} ${unit}${n === 1 ? '' : 's'} ago`;
  }
  return '';
}

/** The time to record in progress, from the context's clock. */
function timestamp(ctx: PlayContext): string {
  return (ctx.now?.() ?? new Date()).toISOString();
}

/** What conditions see now: every choice point, journey defaults, variables set so far. */
function conditions(ctx: PlayContext): ConditionContext {
  return conditionContext(ctx.journey, choiceValues(ctx.progress), variableValues(ctx.progress));
}

/** The reason a step's or input's `when` is false, or undefined when it holds (or is absent). */
function conditionFails(ctx: PlayContext, when: Expression | undefined): string | undefined {
  return !when || holds(when, conditions(ctx)) ? undefined : skipReason(ctx.journey, when);
}

function nextChapter(ctx: PlayContext, chapter: Chapter): string | undefined {
  return follow(ctx, chapter, resolveNext(ctx.journey, chapter, conditions(ctx)));
}

function follow(ctx: PlayContext, chapter: Chapter, next: NextResult): string | undefined {
  if (next.kind === 'goto') return next.goto;
  if (next.kind === 'end') return undefined;
  throw new UserError(`no way on from chapter "${chapter.id}" with the choices you made: ${next.reason}`, {
    hint: `the journey has a gap at ${chapter.file}: its author should add a rule without "when"; meanwhile "${cmd(ctx, 'back')}" lets you choose differently`,
  });
}

/** The options of a choice point as they stand now (a variable set at its menu may change which are available). */
function choiceOptions(ctx: PlayContext, chapter: Chapter): Array<PromptOption<string> & { disabled: string | false }> {
  const tried = triedOptions(ctx.progress, chapter.id);
  return chapter.choices.map((choice) => {
    const state = choiceState(ctx.journey, choice, conditions(ctx));
    return {
      value: choice.id,
      name: tried.includes(choice.id) ? `${choice.label} (tried: a dead end)` : choice.label,
      ...(choice.summary ? { description: choice.summary } : {}),
      disabled: state.enabled ? (false as const) : state.because,
    };
  });
}

async function choose(ctx: PlayContext, chapter: Chapter, question = `${chapter.title}: what is your choice?`): Promise<string> {
  const options = choiceOptions(ctx, chapter);
  const preset = ctx.answers.choices[chapter.id];
  const offered = preset === undefined ? await ctx.decideChoice?.(chapter, options) : undefined;
  // Only an option this learner may take: a room's path can differ from theirs.
  const decided = offered && options.some((o) => o.value === offered.choice && !o.disabled) ? offered : undefined;
  let picked: string;
  if (decided) {
    picked = decided.choice;
  } else if (preset !== undefined) {
    const option = options.find((o) => o.value === preset);
    if (!option) {
      throw new UserError(`--choose ${chapter.id}=${preset}: "${chapter.title}" has no option "${preset}"`, {
        hint: `its options are: ${options.map((o) => o.value).join(', ')}`,
        exitCode: ExitCode.usage,
      });
    }
    if (option.disabled) {
      throw new UserError(`--choose ${chapter.id}=${preset}: that option is not available: ${option.disabled}`, {
        hint: `pick one of: ${options.filter((o) => !o.disabled).map((o) => o.value).join(', ')}`,
        exitCode: ExitCode.usage,
      });
    }
    picked = preset;
    ctx.write(`${chapter.title}: ${option.name} (from --choose)\n`);
  } else if (ctx.asker.interactive) {
    // Not possible choice ids (ids are paths), so they never clash with an option.
    const quit = ' quit';
    const setVariableHere = ` ${SET_VARIABLE_OPTION.value}`;
    for (;;) {
      picked = await ctx.asker.select(
        question,
        [
          ...choiceOptions(ctx, chapter),
          { ...SET_VARIABLE_OPTION, value: setVariableHere },
          { value: quit, name: 'Quit (progress is saved; you choose when you come back)', key: 'q' },
        ],
        undefined,
        whereYouAre(ctx.journey, ctx.progress, chapter, ctx.terminal.unicode),
      );
      if (picked === quit) throw new StopPlaying();
      if (picked !== setVariableHere) break;
      await setVariable(variableAsking(ctx), chapter.id);
    }
  } else {
    const available = options.filter((o) => !o.disabled && o.value !== ctx.deadEndAnswers.get(chapter.id)).map((o) => o.value);
    const deadEnd = ctx.deadEndAnswers.get(chapter.id);
    const why = deadEnd !== undefined ? `the answer "${deadEnd}" led to a dead end` : 'no answer was given';
    throw new UserError(`"${chapter.title}" is a choice point and ${why}`, {
      hint: `pass --choose ${chapter.id}=<option> with one of: ${available.join(', ')}`,
      exitCode: ExitCode.usage,
    });
  }
  ctx.progress.choices[chapter.id] = { choice: picked, at: timestamp(ctx), ...(decided?.audience ? { audience: decided.audience } : {}) };
  ctx.emit?.({ event: 'choice', chapter: chapter.id, choice: picked, source: decided?.source ?? (preset !== undefined ? 'flag' : 'prompt') });
  await ctx.save();
  return chapter.choices.find((c) => c.id === picked)!.goto;
}

async function askInputs(ctx: PlayContext, inputs: InputSpec[], chapter: { id: string; title: string }): Promise<void> {
  const wanted = inputs.filter((input) => !ctx.progress.vars[input.name]);
  for (const input of wanted) {
    if (conditionFails(ctx, input.when)) continue;
    const vars = dict(ctx.journey.vars, variableValues(ctx.progress));
    const preset = ctx.answers.inputs[input.name];
    // A name such as DOCKER_TOKEN is treated as secret even when its author forgot to say so (lint warns).
    const secret = input.secret || nameLooksSecret(input.name);
    const validate = (value: string) => validateInput({ ...input, secret }, value);
    let value: string;
    if (preset !== undefined) {
      const verdict = validate(preset);
      if (verdict !== true) throw new UserError(`--set ${input.name}: ${verdict}`, { exitCode: ExitCode.usage });
      value = preset;
    } else if (ctx.asker.interactive) {
      if (input.help) ctx.write(renderStatusLine('info', interpolate(input.help, vars), ctx.terminal));
      value = await askText(variableAsking(ctx), chapter.id || undefined, input.prompt, {
        ...(input.default !== undefined ? { default: interpolate(input.default, vars) } : {}),
        secret,
        validate,
      });
    } else if (input.default !== undefined) {
      value = await ctx.asker.text(input.prompt, { default: interpolate(input.default, vars), validate });
    } else {
      throw new UserError(`chapter "${chapter.title}" needs ${input.name} (${input.prompt}) and no answer was given`, {
        hint: `pass --set ${input.name}=<value>, or put it under "inputs:" in an --answers file`,
        exitCode: ExitCode.usage,
      });
    }
    ctx.progress.vars[input.name] = {
      value,
      source: preset !== undefined ? 'flag' : 'input',
      ...(chapter.id ? { chapter: chapter.id } : {}),
      secret,
      at: timestamp(ctx),
    };
    if (!secret && (preset !== undefined || !ctx.asker.interactive)) ctx.write(`${input.name} = ${sanitize(value)}\n`);
    ctx.emit?.({
      event: 'input',
      ...(chapter.id ? { chapter: chapter.id } : {}),
      name: input.name,
      source: preset !== undefined ? 'flag' : ctx.asker.interactive ? 'prompt' : 'default',
      secret,
      ...(secret ? {} : { value }),
    });
    await ctx.save();
  }
}

/** What asking the learner for variables needs, from the play context. */
function variableAsking(ctx: PlayContext): VariableAsking {
  return { journey: ctx.journey, progress: ctx.progress, asker: ctx.asker, terminal: ctx.terminal, write: ctx.write, env: process.env, at: () => timestamp(ctx), save: ctx.save };
}

const AGAIN_OPTION = { value: 'again', name: 'Run an earlier step of this chapter again', key: 'a' } as const;

/** Pick a step of the chapter before `before` (0-based) and run it again, its card shown first. */
async function runStepAgain(ctx: PlayContext, chapter: Chapter, before: number): Promise<void> {
  const candidates = chapter.steps.filter((s) => s.index < before && !conditionFails(ctx, s.when));
  const back = ' back';
  const picked = await ctx.asker.select(
    'Which step, again?',
    [...candidates.map((s) => ({ value: s.id, name: `Step ${s.index + 1}${s.title ? `: ${s.title}` : ''} (${stepState(ctx.progress, chapter, s)})` })), { value: back, name: 'None: back to the menu', key: 'b' }],
    candidates.at(-1)?.id ?? back,
  );
  const step = candidates.find((s) => s.id === picked);
  if (step) await runEarlierStep(ctx, chapter, step);
}

/** Run an earlier step of the chapter again, its card shown first. */
async function runEarlierStep(ctx: PlayContext, chapter: Chapter, step: Step): Promise<void> {
  ctx.write(renderStepCard({ ...(step.title ? { title: step.title } : {}), code: step.code, lang: step.lang, index: step.index, total: chapter.steps.length, optional: step.optional }, ctx.terminal));
  await executeStep(ctx, chapter, step);
}

/**
 * Play one step. Returns 'back' when the learner chose to go back to the last choice after it
 * failed, and the index of the step to go on at when they went ahead from the contents. A step
 * before `aheadTo` is skipped on purpose without asking (one the learner went ahead past).
 * `textLeftOut`: a recap stands for the chapter's text, so the menu offers the text in full.
 */
async function playStep(ctx: PlayContext, chapter: Chapter, step: Step, aheadTo = -1, textLeftOut = false): Promise<'back' | { ahead: number } | undefined> {
  const key = stepKey(chapter.id, step.id);
  const total = chapter.steps.length;
  const label = step.title ?? `step ${step.index + 1}`;
  const record = ctx.progress.steps[key];
  const emitStep = (status: Extract<PlayEvent, { event: 'step' }>['status'], more: { reason?: string; exitCode?: number; captured?: string[] } = {}) =>
    ctx.emit?.({ event: 'step', chapter: chapter.id, step: step.id, index: step.index, ...(step.title ? { title: step.title } : {}), status, ...more });
  const skipOnPurpose = async (reason: string) => {
    ctx.progress.steps[key] = { status: 'skipped', at: timestamp(ctx), by: 'learner' };
    emitStep('skipped', { reason });
    await askSkippedExports(variableAsking(ctx), chapter.id, step);
    await ctx.save();
  };
  const goAhead = async (to: number) => {
    const where = to < total ? `step ${to + 1}` : 'the end of the steps';
    ctx.write(renderSkipNotice(`step ${step.index + 1} of ${total} (${label})`, `you went ahead to ${where}`, ctx.terminal));
    await skipOnPurpose(`the learner went ahead to ${where}`);
  };
  // The step the learner went to from the contents gets its menu, whatever became of it before.
  const wanted = step.index === aheadTo;
  if (record?.status === 'done' && !wanted) {
    ctx.write(renderStatusLine('done', `Step ${step.index + 1} of ${total} (${label}): done earlier${record.edited ? ', as you edited it' : ''}`, ctx.terminal));
    emitStep('done-earlier');
    return undefined;
  }
  const skip = conditionFails(ctx, step.when);
  if (skip) {
    ctx.write(renderSkipNotice(`step ${step.index + 1} of ${total} (${label})`, skip, ctx.terminal));
    emitStep('skipped', { reason: skip });
    ctx.progress.steps[key] = { status: 'skipped', at: timestamp(ctx) };
    await ctx.save();
    return undefined;
  }
  if (step.index < aheadTo) {
    await goAhead(aheadTo);
    return undefined;
  }
  let runNow = false;
  if (record?.status === 'skipped' && record.by === 'learner' && !ctx.dryRun && !wanted) {
    // Skipped on purpose in an earlier session: say so, and run it only when asked.
    ctx.write(renderSkipNotice(`step ${step.index + 1} of ${total} (${label})`, 'you skipped it earlier', ctx.terminal));
    let again = 'keep';
    while (ctx.asker.interactive) {
      again = await ctx.asker.select('You skipped this step earlier. Run it now?', [
        { value: 'keep', name: 'No, leave it skipped', key: 's' },
        { value: 'run', name: 'Yes, show it and run it now', key: 'r' },
        SET_VARIABLE_OPTION,
      ], 'keep');
      if (again !== SET_VARIABLE_OPTION.value) break;
      await setVariable(variableAsking(ctx), chapter.id);
    }
    if (again === 'keep') {
      emitStep('skipped', { reason: 'the learner skipped it earlier' });
      return undefined;
    }
    runNow = true;
  }
  if (!ctx.dryRun) await ctx.preflight?.beforeFirstStep();
  ctx.write(
    renderStepCard({ ...(step.title ? { title: step.title } : {}), code: step.code, lang: step.lang, index: step.index, total, optional: step.optional }, ctx.terminal),
  );
  if (ctx.dryRun) {
    ctx.write('(dry run: not run)\n');
    emitStep('not-run', { reason: 'dry run' });
    for (const name of step.exports) {
      if (!ctx.progress.vars[name]) {
        ctx.progress.vars[name] = { value: `<${name} from ${chapter.id}>`, source: 'capture', chapter: chapter.id, secret: false, at: '' };
      }
    }
    return undefined;
  }
  if (!ctx.asker.interactive && !ctx.yes) {
    throw new UserError(`step ${step.index + 1} of chapter "${chapter.title}" (${chapter.file}:${step.loc.line}) was not run: without a terminal to ask in, hero-journey runs steps only with --yes`, {
      hint: 'pass --yes to run the steps (they may change your cluster), or --dry-run to see every step without running any',
      exitCode: ExitCode.usage,
    });
  }
  let retrying = runNow;
  // The commands as the learner may have edited them.
  let code = step.code;
  let edited = false;
  for (;;) {
    if (ctx.asker.interactive && !retrying) {
      const action = await ctx.asker.select(
        edited ? 'Run this step as you edited it?' : 'Run this step?',
        [
          { value: 'run', name: 'Run it', key: 'r' },
          { value: 'skip', name: 'Skip it (I did it myself, or it does not apply)', key: 's' },
          { value: 'edit', name: `Edit it first (in ${editorCommand(process.env)})`, key: 'e' },
          { value: 'plain', name: 'Show the command plain, to copy', key: 'c' },
          ...(step.index > 0 ? [AGAIN_OPTION] : []),
          ...(total > 1 ? [CONTENTS_OPTION] : []),
          SET_VARIABLE_OPTION,
          ...(textLeftOut ? [FULL_TEXT_OPTION] : []),
          { value: 'quit', name: 'Quit (progress is saved)', key: 'q' },
        ],
        'run',
        whereYouAre(ctx.journey, ctx.progress, chapter, ctx.terminal.unicode, { index: step.index, total }),
      );
      if (action === 'quit') throw new StopPlaying();
      if (action === 'plain') {
        ctx.write(`\n${renderPlainCommand(code)}\n\n`);
        continue;
      }
      if (action === 'edit') {
        const result = await editInEditor(code, process.env);
        if ('error' in result) ctx.write(renderStatusLine('failed', result.error, ctx.terminal));
        else if (result.code === code) ctx.write(renderStatusLine('info', 'The step is unchanged.', ctx.terminal));
        else {
          code = result.code;
          edited = true;
          ctx.write(renderStepCard({ title: `${label} (edited)`, code, lang: step.lang, index: step.index, total, optional: step.optional }, ctx.terminal));
        }
        continue;
      }
      if (action === 'again') {
        await runStepAgain(ctx, chapter, step.index);
        continue;
      }
      if (action === FULL_TEXT_OPTION.value) {
        await showText(ctx, renderChapterPage(ctx.journey, chapter, ctx.progress, ctx.terminal));
        continue;
      }
      if (action === 'contents') {
        const where = whereYouAre(ctx.journey, ctx.progress, chapter, ctx.terminal.unicode, { index: step.index, total });
        const picked = await pickFromContents(ctx.asker, chapter, ctx.progress, step.index, (s) => conditionFails(ctx, s.when), where);
        if (picked.kind === 'again') await runEarlierStep(ctx, chapter, picked.step);
        if (picked.kind === 'ahead') {
          await goAhead(picked.index);
          return { ahead: picked.index };
        }
        continue;
      }
      if (action === 'set-variable') {
        await setVariable(variableAsking(ctx), chapter.id);
        continue;
      }
      if (action === 'skip') {
        await skipOnPurpose('the learner skipped it');
        return undefined;
      }
    }
    const outcome = await executeStep(ctx, chapter, { ...step, code }, edited);
    if (outcome.status === 'done') {
      emitStep('done', outcome.captured.length > 0 ? { captured: outcome.captured } : {});
      return undefined;
    }
    emitStep('failed', { ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}), ...(step.optional ? { reason: 'optional: the journey goes on' } : {}) });
    if (step.optional) {
      ctx.write(renderSkipNotice(label, 'it is optional, so the journey goes on', ctx.terminal));
      return undefined;
    }
    if (!ctx.asker.interactive) {
      throw new UserError(`step ${step.index + 1} of chapter "${chapter.title}" failed (${chapter.file}:${step.loc.line})`, {
        hint: `fix the cause and run ${cmd(ctx)} again: it resumes at this step`,
      });
    }
    const back = lastChoicePoint(ctx.progress);
    for (;;) {
      const next = await ctx.asker.select(
        'The step failed. What now?',
        [
          { value: 'retry', name: 'Retry it', key: 'r' },
          { value: 'skip', name: 'Skip it and go on (I did it myself, or it does not apply)', key: 's' },
          SET_VARIABLE_OPTION,
          backOption(ctx, back),
          { value: 'quit', name: 'Quit (progress is saved; the step will be offered again)', key: 'q' },
        ],
        'retry',
        whereYouAre(ctx.journey, ctx.progress, chapter, ctx.terminal.unicode, { index: step.index, total }),
      );
      if (next === 'quit') throw new StopPlaying(ExitCode.failure);
      if (next === 'back') return 'back';
      if (next === 'set-variable') {
        await setVariable(variableAsking(ctx), chapter.id);
        continue;
      }
      if (next === 'skip') {
        await skipOnPurpose('the learner skipped it after it failed');
        return undefined;
      }
      retrying = true;
      break;
    }
  }
}

/**
 * The folder a step runs in: the workspace, or in a one-terminal journey (every plain tutorial)
 * the folder inside it that the last step `cd`ed into, while it still exists.
 */
function stepFolder(ctx: PlayContext): string {
  const relative = ctx.journey.oneTerminal ? ctx.progress.stepFolder : undefined;
  if (!relative) return ctx.workspace;
  const folder = path.resolve(ctx.workspace, relative);
  const inside = path.relative(ctx.workspace, folder);
  if (inside.startsWith('..') || path.isAbsolute(inside) || !existsSync(folder)) return ctx.workspace;
  return folder;
}

/** Remember where a plain tutorial's step ended, when that is inside the workspace (a folder elsewhere is not carried). */
function rememberStepFolder(ctx: PlayContext, endedIn: string | undefined): void {
  if (!endedIn) return;
  const inside = path.relative(ctx.workspace, endedIn);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    delete ctx.progress.stepFolder;
    ctx.write(renderStatusLine('info', `The step ended in ${endedIn}, outside the workspace: the next step runs in the workspace again.`, ctx.terminal));
    return;
  }
  if (inside) ctx.progress.stepFolder = inside;
  else delete ctx.progress.stepFolder;
}

async function executeStep(ctx: PlayContext, chapter: Chapter, step: Step, edited = false): Promise<{ status: 'done'; captured: string[] } | { status: 'failed'; exitCode?: number }> {
  const { createLiveOutput, createSecretMasker, describeExit, maskSecrets, stepKeyboardUse, prepareForChecks, runStep } = await import('./running.ts');
  // Loading the Kubernetes client for the checks takes most of a second: do it while the step runs.
  prepareForChecks(chapter);
  const key = stepKey(chapter.id, step.id);
  const vars = dict(ctx.journey.vars, variableValues(ctx.progress));
  // Secret inputs, credential-named variables, and values that look like a key wherever they came from.
  const secrets = Object.entries(ctx.progress.vars)
    .filter(([name, v]) => variableLooksSecret(name, v))
    .map(([, v]) => v.value);
  const maskers = { stdout: createSecretMasker(secrets), stderr: createSecretMasker(secrets) };
  const needs = stepKeyboardUse(step);
  const keyboard = needs && ctx.handKeyboard ? needs.kind : undefined;
  if (needs && keyboard) {
    const how = keyboard === 'terminal' ? 'it has your terminal until it ends, and its output goes straight to it' : 'type your answers; its output is shown as always';
    ctx.write(renderStatusLine('info', `This step reads the keyboard (${needs.because}): ${how}.`, ctx.terminal));
  }
  const live = createLiveOutput({
    stream: { write: (text: string) => ctx.writeRaw(text), isTTY: ctx.tty, columns: ctx.terminal.width },
    color: ctx.terminal.color,
    unicode: ctx.terminal.unicode,
    label: step.title ?? `step ${step.index + 1}`,
    ...(keyboard ? { keyboard: true } : {}),
  });
  const releaseGuard = keyboard ? ctx.handKeyboard?.() : ctx.guardStep?.();
  let result: StepResult;
  try {
    result = await runStep({
      code: step.code,
      cwd: stepFolder(ctx),
      ...(ctx.journey.oneTerminal ? { carryAssignments: true } : {}),
      ...(keyboard ? { keyboard } : {}),
      env: { ...stepVariables(vars), ...ctx.stepEnv, ...chapterKubeEnvironment(chapter, vars, ctx.workspace), HERO_JOURNEY_CHAPTER: chapter.id, HERO_JOURNEY_WORKSPACE: ctx.workspace },
      ...(step.timeout ? { timeoutSeconds: step.timeout } : {}),
      signal: ctx.signal,
      onOutput: (text, stream) => live.write(maskers[stream].push(text), stream),
    });
  } finally {
    releaseGuard?.();
  }
  for (const stream of ['stdout', 'stderr'] as const) live.write(maskers[stream].flush(), stream);
  live.finish(result);
  const at = timestamp(ctx);
  if (result.cancelled) {
    ctx.progress.steps[key] = { status: 'failed', at, exitCode: result.exitCode ?? ExitCode.interrupted };
    await ctx.save();
    ctx.write(`\nStopped while the step ran. Your progress is saved: run ${cmd(ctx)} again to retry this step.\n`);
    throw new StopPlaying(ExitCode.interrupted);
  }
  if (result.exitCode === 0 && !result.timedOut) {
    const names = new Set<string>();
    const refused: string[] = [];
    for (const [name, value] of Object.entries(result.captured)) {
      // PATH, KUBECONFIG and the like stay in the step that set them: later steps get the learner's own.
      if (variableNameRefusal(name)) {
        refused.push(name);
        continue;
      }
      names.add(name);
      ctx.progress.vars[name] = { value, source: 'capture', chapter: chapter.id, secret: nameLooksSecret(name), at };
    }
    ctx.progress.steps[key] = { status: 'done', at, exitCode: 0, ...(edited ? { edited: true } : {}) };
    if (ctx.journey.oneTerminal) rememberStepFolder(ctx, result.cwd);
    await ctx.save();
    if (names.size > 0) ctx.write(renderStatusLine('info', `Remembered for later steps: ${[...names].join(', ')}`, ctx.terminal));
    if (refused.length > 0) {
      ctx.write(renderStatusLine('info', `Not carried to later steps (they change how the shell or kubectl behave; set them in your own shell if you need them): ${refused.join(', ')}`, ctx.terminal));
    }
    return { status: 'done', captured: [...names] };
  }
  ctx.progress.steps[key] = { status: 'failed', at, ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}), ...(edited ? { edited: true } : {}) };
  await ctx.save();
  const tail = maskSecrets(result.stderrTail.trimEnd(), secrets);
  ctx.write(
    renderCallout(
      'error',
      `Step ${step.index + 1} failed`,
      `${describeExit(result)}\n\n${tail ? `Last lines of its error output:\n${tail}` : keyboard === 'terminal' ? 'Its output went straight to your terminal, above.' : 'It printed no error output.'}${
        needs && !keyboard
          ? `\n\nThis step reads the keyboard (${needs.because}), and play is not interactive here (--yes, --json, or no terminal), so it got no input: play it in a terminal without --yes to type the answers, or run it yourself and skip it.`
          : ''
      }`,
      ctx.terminal,
    ),
  );
  return { status: 'failed', ...(result.exitCode !== undefined ? { exitCode: result.exitCode } : {}) };
}

/**
 * The chapter's checks must pass before the learner goes on. Returns 'back' when the learner
 * chose to go back to the last choice instead; throws StopPlaying when they quit.
 *
 * The countdown runs only when waiting can help: when a step of the chapter was skipped or
 * failed, or the checks already failed here before (a resume), they are run once and the
 * learner chooses. A key stops any wait; a check that cannot pass (no cluster, an unknown kind)
 * ends at once.
 */
async function checkGate(ctx: PlayContext, chapter: Chapter): Promise<'passed' | 'skipped' | 'back'> {
  if (chapter.checks.length === 0) return 'passed';
  const n = chapter.checks.length;
  if (ctx.dryRun) {
    ctx.write(renderSkipNotice(`${n} check${n === 1 ? '' : 's'}`, 'dry run: no step ran, so there is nothing to check', ctx.terminal));
    ctx.emit?.({ event: 'checks', chapter: chapter.id, status: 'not-run', summary: 'dry run' });
    return 'passed';
  }
  const record = async (status: 'passed' | 'failed' | 'skipped', reason?: string) => {
    ctx.progress.checks[chapter.id] = { status, at: timestamp(ctx), ...(reason ? { reason } : {}) };
    ctx.emit?.({ event: 'checks', chapter: chapter.id, status, ...(reason ? { summary: reason } : {}) });
    await ctx.save();
  };
  const { checkChapter, checkingNotice, DEFAULT_TIMEOUT_SECONDS, formatTimeout, helpText } = await import('./running.ts');
  const missed = missedSteps(ctx, chapter);
  const failedBefore = ctx.progress.checks[chapter.id]?.status === 'failed';
  // Without a terminal, checks that failed before are waited for again (a script's next run); a skipped step still means no wait.
  let wait = missed.length === 0 && !(ctx.asker.interactive && failedBefore);
  const missedText = missed.map(({ step, status }) => `step ${step.index + 1}${step.title ? ` (${step.title})` : ''} ${status === 'failed' ? 'failed' : 'was skipped'}`).join(', ');
  for (;;) {
    // Read on each round: the learner may have set a variable at the menu.
    const vars = dict(ctx.journey.vars, variableValues(ctx.progress));
    const cluster = chapterKubeEnvironment(chapter, vars, ctx.workspace);
    ctx.write(checkingNotice(chapter, ctx.terminal));
    const stop = new AbortController();
    const releaseGuard = ctx.guardStep?.(wait && ctx.asker.interactive ? () => stop.abort() : undefined);
    const result = await checkChapter(chapter, {
      journey: ctx.journey,
      vars,
      choices: conditions(ctx).choices,
      kube: { env: { ...process.env, ...ctx.stepEnv, ...cluster }, cwd: ctx.workspace, ...(cluster.KUBECONFIG ? { missingHint: missingChapterKubeconfig(chapter) } : {}) },
      execEnv: { ...process.env, ...stepVariables(vars), ...ctx.stepEnv, ...cluster },
      cwd: ctx.workspace,
      terminal: ctx.terminal,
      tty: ctx.tty,
      writeRaw: ctx.writeRaw,
      asker: ctx.asker,
      wait,
      print: true,
      signal: ctx.signal,
      stopWaiting: stop.signal,
      ...(ctx.asker.interactive ? { keyHint: renderStatusLine('info', 'Waiting for the cluster. Press any key to stop waiting (check now, skip, go back or quit).', ctx.terminal).trimEnd() } : {}),
    }).finally(() => releaseGuard?.());
    if (result.passed) {
      await record('passed');
      return 'passed';
    }
    if (ctx.signal.aborted) {
      await record('failed', result.summary);
      ctx.write(`\nStopped while waiting for the checks. Your progress is saved: run ${cmd(ctx)} again to check again.\n`);
      throw new StopPlaying(ExitCode.interrupted);
    }
    const cannotPass = result.outcomes.find((o) => o.cannotPass);
    if (!ctx.asker.interactive) {
      await record('failed', result.summary);
      const why = cannotPass ? `: ${cannotPass.reason}` : missed.length > 0 ? `, and were not waited for: ${missedText}` : '';
      throw new UserError(`the checks of chapter "${chapter.title}" did not pass (${result.summary})${why}`, {
        hint: cannotPass?.hint ?? `fix what the check says and run ${cmd(ctx)} again (it checks again before going on), or play interactively to skip them on purpose`,
      });
    }
    if (stop.signal.aborted) ctx.write(renderStatusLine('info', 'You stopped waiting.', ctx.terminal));
    else if (missed.length > 0 && !wait) {
      ctx.write(renderStatusLine('info', `Not waiting: ${missedText}, so what it makes may not be there. If you did it yourself, check again now or wait for it.`, ctx.terminal));
    } else if (cannotPass) ctx.write(renderStatusLine('info', `Not waiting: waiting cannot make this pass (${cannotPass.reason}).`, ctx.terminal));
    const back = lastChoicePoint(ctx.progress);
    const longest = Math.max(...chapter.checks.map((c) => c.timeout ?? DEFAULT_TIMEOUT_SECONDS));
    for (;;) {
      const action = await ctx.asker.select(
        'The checks did not pass. What now?',
        [
          { value: 'now', name: 'Check again now (after you fixed something)', key: 'r' },
          { value: 'wait', name: `Wait for it (up to ${formatTimeout(longest)}; any key stops waiting)`, key: 'w' },
          { value: 'hint', name: 'Show the hints and details', key: 'h' },
          ...(chapter.steps.length > 0 ? [{ ...AGAIN_OPTION, name: 'Run a step of this chapter again' }] : []),
          { value: 'skip', name: 'Skip the checks and go on (recorded as skipped)', key: 's' },
          SET_VARIABLE_OPTION,
          backOption(ctx, back),
          { value: 'quit', name: 'Quit (progress is saved; the checks run again next time)', key: 'q' },
        ],
        'now',
      );
      if (action === 'now' || action === 'wait') {
        wait = action === 'wait';
        break;
      }
      if (action === 'hint') {
        ctx.write(renderCallout('tip', 'What to try', helpText(result.outcomes), ctx.terminal));
        continue;
      }
      if (action === 'set-variable') {
        await setVariable(variableAsking(ctx), chapter.id);
        continue;
      }
      if (action === 'again') {
        await runStepAgain(ctx, chapter, chapter.steps.length);
        continue;
      }
      if (action === 'quit') {
        await record('failed', result.summary);
        throw new StopPlaying(ExitCode.failure);
      }
      if (action === 'back') {
        await record('failed', result.summary);
        return 'back';
      }
      if (await ctx.asker.confirm('Go on without proof that this chapter worked? Later chapters may fail because of it.', false)) {
        await record('skipped', result.summary);
        return 'skipped';
      }
    }
  }
}

/** Steps of the chapter that should have run and did not: failed, or skipped by the learner (not optional, not left out by `when`). */
function missedSteps(ctx: PlayContext, chapter: Chapter): Array<{ step: Step; status: 'skipped' | 'failed' }> {
  return chapter.steps.flatMap((step) => {
    const record = ctx.progress.steps[stepKey(chapter.id, step.id)];
    const status = record?.status === 'failed' || (record?.status === 'skipped' && record.by === 'learner') ? record.status : undefined;
    if (step.optional || !status || conditionFails(ctx, step.when)) return [];
    return [{ step, status }];
  });
}
