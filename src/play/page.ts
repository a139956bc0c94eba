import { prepareChecks } from '../checks/prepare.ts';
import { conditionContext, expressionReferences, type ConditionContext } from '../journey/expressions.ts';
import { holds } from '../journey/graph.ts';
import { describeCondition, skipReason } from '../journey/reasons.ts';
import { describePattern } from './inputs.ts';
import type { Chapter, Expression, InputSpec, Journey } from '../journey/model.ts';
import { renderCallout, renderChapterHeader, renderChoices, renderStatusLine, renderStepCard, type ChapterHeaderInfo } from '../render/chapter.ts';
import { renderMarkdown } from '../render/markdown.ts';
import { hasOutcomeBlocks, splitProse } from '../journey/outcome-text.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { choiceValues, variableValues, type Progress } from '../state/progress.ts';
import { dict } from '../dict.ts';

/*
 * A chapter as one page, without playing it: the header and prose as play shows them, each
 * step's card, and around them what play would do (inputs it asks for, checks it runs, where
 * the learner goes next). What `hero-journey show` prints, for learners reading ahead and
 * for authors previewing a chapter while they write it.
 */

/** What the header of a chapter shows, the same in play and in show. */
export function chapterHeaderInfo(journey: Journey, chapter: Chapter): ChapterHeaderInfo {
  // No "n of m": a phase lists every option and variant, far more than one path visits.
  const phase = journey.phases.find((p) => p.chapters.includes(chapter.id));
  return {
    title: chapter.title,
    ...(chapter.episode ? { episode: chapter.episode } : {}),
    ...(chapter.summary ? { summary: chapter.summary } : {}),
    journeyTitle: journey.title,
    ...(phase ? { phase: phase.title } : {}),
  };
}

/**
 * The page for `chapter`. With `progress`, conditions are decided for this learner (skipped
 * steps, disabled options, the variant that applies); without, they are shown as written.
 */
export function renderChapterPage(journey: Journey, chapter: Chapter, progress: Progress | undefined, terminal: TerminalOptions): string {
  const context = progress ? conditionContext(journey, choiceValues(progress), variableValues(progress)) : undefined;
  /**
   * true / false for this learner; undefined when there is no learner, or the expression
   * depends on a choice or variable the learner has not reached yet.
   */
  const decide = (when: Expression | undefined): boolean | undefined => {
    if (!when) return true;
    if (!context || !progress) return undefined;
    const refs = expressionReferences(when.source);
    if (!refs) return undefined;
    const known = dict(journey.vars, variableValues(progress));
    if (refs.choices.some((c) => !progress.choices[c.chapter]) || refs.vars.some((name) => known[name] === undefined)) return undefined;
    try {
      return holds(when, context);
    } catch {
      return undefined;
    }
  };
  const out: string[] = [renderChapterHeader(chapterHeaderInfo(journey, chapter), terminal)];
  const note = (text: string) => out.push(renderStatusLine('info', text, terminal));

  if (chapter.when) {
    const played = decide(chapter.when);
    note(played === false ? `Skipped on your path: ${skipReason(journey, chapter.when)}` : `Played only when ${describeCondition(journey, chapter.when)}`);
  }
  if (chapter.inputs.length > 0) out.push(renderCallout('info', 'It asks you first', chapter.inputs.map((input) => describeInput(journey, input)).join('\n'), terminal));

  for (const [index, segment] of chapter.segments.entries()) {
    if (segment.kind === 'markdown') {
      const omit = index === 0 ? { omitTitle: chapter.title } : {};
      // Text that depends on how things went: each branch, labelled with when it shows.
      const pieces = hasOutcomeBlocks(segment.text) ? splitProse(segment.text, chapter.file, 0).pieces : [{ kind: 'text' as const, text: segment.text }];
      for (const piece of pieces) {
        if (piece.kind === 'text') {
          const text = renderMarkdown(piece.text, terminal, omit);
          if (text.trim()) out.push(text);
          continue;
        }
        note(`Shown when ${piece.when.source}${piece.afterChecks ? ' (after the checks)' : ''}:`);
        if (piece.then) out.push(renderMarkdown(piece.then, terminal));
        if (piece.otherwise) {
          note('Otherwise:');
          out.push(renderMarkdown(piece.otherwise, terminal));
        }
      }
      continue;
    }
    const step = segment.step;
    const total = chapter.steps.length;
    if (step.when) {
      const runs = decide(step.when);
      note(runs === false ? `Step ${step.index + 1} is skipped on your path: ${skipReason(journey, step.when)}` : `Step ${step.index + 1} runs only when ${describeCondition(journey, step.when)}`);
    }
    out.push(renderStepCard({ ...(step.title ? { title: step.title } : {}), code: step.code, lang: step.lang, index: step.index, total, optional: step.optional }, terminal));
    if (step.exports.length > 0) note(`Remembers for later steps: ${step.exports.join(', ')}`);
  }

  if (chapter.checks.length > 0) {
    const vars = dict(journey.vars, progress ? variableValues(progress) : undefined);
    const prepared = prepareChecks(chapter.checks, { vars, choices: context?.choices ?? conditionContext(journey, {}).choices });
    const lines = prepared.map((check) => {
      const when = check.spec.when ? ` (only when ${check.spec.when.source})` : '';
      return `• ${check.title}${when}`;
    });
    out.push(renderCallout('tip', 'Before you go on, it proves', lines.join('\n'), terminal));
  }

  out.push(wayOn(journey, chapter, progress, context, decide, terminal));
  return out.join('');
}

function describeInput(journey: Journey, input: InputSpec): string {
  const pattern = input.validate?.startsWith('regex:') ? describePattern(input.validate.slice('regex:'.length)) : undefined;
  const details = [
    input.default !== undefined ? `default ${input.default}` : '',
    input.message ? input.message : input.validate ? `must be ${input.validate.startsWith('regex:') ? (pattern ?? `like /${input.validate.slice('regex:'.length)}/`) : `a valid ${input.validate}`}` : '',
    input.secret ? 'secret: never shown or synced' : '',
    input.when ? `only when ${describeCondition(journey, input.when)}` : '',
  ].filter(Boolean);
  return `• ${input.name}: ${input.prompt}${details.length > 0 ? ` (${details.join('; ')})` : ''}${input.help ? `\n  ${input.help}` : ''}`;
}

/** The end of the page: the choice, where `next` leads, a dead end, or the journey's end. */
function wayOn(
  journey: Journey,
  chapter: Chapter,
  progress: Progress | undefined,
  context: ConditionContext | undefined,
  decide: (when: Expression | undefined) => boolean | undefined,
  terminal: TerminalOptions,
): string {
  const titleOf = (id: string) => `${journey.chapters.get(id)?.title ?? id} [${id}]`;
  if (chapter.deadEnd) return renderCallout('warning', 'Dead end', `${chapter.deadEnd.message}\n\nPlay sends you back to the last choice from here.`, terminal);
  if (chapter.choices.length > 0) {
    const chosen = progress?.choices[chapter.id]?.choice;
    return renderChoices(
      `${chapter.title}: the choice`,
      chapter.choices.map((choice) => {
        const enabled = decide(choice.when);
        const disabled = enabled === false ? (choice.because ?? `only when ${choice.when ? describeCondition(journey, choice.when) : ''}`) : undefined;
        const summary = [choice.summary, `${terminal.unicode ? '→' : '->'} ${titleOf(choice.goto)}${enabled === undefined && choice.when ? `, only when ${describeCondition(journey, choice.when)}` : ''}`].filter(Boolean).join(' ');
        return { label: choice.label, summary, ...(disabled ? { disabled } : {}), ...(chosen === choice.id ? { chosen: true } : {}) };
      }),
      terminal,
    );
  }
  if (chapter.next.length === 0) return renderStatusLine('info', 'The journey ends here.', terminal);
  if (chapter.next.length === 1 && !chapter.next[0]!.when) return renderStatusLine('info', `Next: ${titleOf(chapter.next[0]!.goto)}`, terminal);
  // Variants: the first rule that holds wins; with a learner, mark it.
  let picked = false;
  const lines = chapter.next.map((rule) => {
    const applies = context && !picked ? decide(rule.when) : undefined;
    const mark = applies === true && !picked ? (terminal.unicode ? ' ← yours' : ' <- yours') : '';
    if (applies === true) picked = true;
    return `• ${titleOf(rule.goto)}${rule.when ? `, when ${describeCondition(journey, rule.when)}` : ', otherwise'}${mark}`;
  });
  return renderCallout('info', 'Next, depending on earlier choices', lines.join('\n'), terminal);
}

/**
 * One line that says where the learner is, under every menu of play: a bar for the phases
 * behind them, the phase, how many chapters of their path they have played, the step.
 */
export function whereYouAre(journey: Journey, progress: Progress, chapter: Chapter, unicode: boolean, step?: { index: number; total: number }): string {
  const parts: string[] = [];
  const phaseIndex = journey.phases.findIndex((p) => p.chapters.includes(chapter.id));
  if (phaseIndex !== -1) {
    const n = journey.phases.length;
    const [full, empty] = unicode ? ['▰', '▱'] : ['#', '-'];
    parts.push(`${full.repeat(phaseIndex + 1)}${empty.repeat(n - phaseIndex - 1)} ${journey.phases[phaseIndex]!.title} (part ${phaseIndex + 1} of ${n})`);
  }
  const played = progress.history.filter((entry) => entry.outcome !== 'skipped').length;
  parts.push(`chapter ${Math.max(1, played)} of your path: ${chapter.title}`);
  if (step) parts.push(`step ${step.index + 1} of ${step.total}`);
  return parts.join(' · ');
}
