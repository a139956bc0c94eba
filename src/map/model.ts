import { conditionContext, evaluateCondition } from '../journey/expressions.ts';
import type { Chapter, Expression, Journey } from '../journey/model.ts';
import { conditionChoicePoints, describeCondition, skipReason } from '../journey/reasons.ts';
import { choiceValues, describeAudience, variableValues, type AudienceRecord, type Progress } from '../state/progress.ts';

/** How a chapter stands for this learner. */
export type ChapterMark = 'current' | 'completed' | 'skipped' | 'dead-end' | 'will-skip' | 'not-yet';

/** How an option of a choice point stands for this learner. */
export type OptionMark = 'chosen' | 'disabled' | 'open';

export interface MapOption {
  id: string;
  label: string;
  goto: string;
  mark: OptionMark;
  /** Why a disabled option is disabled. */
  because?: string;
  /** Before the choice it depends on is made: `depends on your choice at "Your domain"`. */
  depends?: string;
  /** A live vote chose it: the votes it got, of how many, who settled it, and that in words. */
  audience?: { votes: number; total: number; decidedBy: AudienceRecord['decidedBy']; text: string };
}

export interface MapChapter {
  id: string;
  title: string;
  mark: ChapterMark;
  /** Why the chapter is (or will be) skipped. */
  reason?: string;
  /** Before the choice its `when` depends on is made: `depends on your choice at "Your domain"`. */
  depends?: string;
  choicePoint: boolean;
  deadEnd: boolean;
  ending: boolean;
  options: MapOption[];
  /** How the chapter's checks ended for this learner, when they ran. */
  checks?: 'passed' | 'failed' | 'skipped' | 'unverified';
  /** Chapters reached through `next` (with their conditions). */
  next: Array<{ goto: string; when?: string; taken: boolean; whenText?: string }>;
}

export interface MapGroup {
  id: string;
  title: string;
  chapters: MapChapter[];
}

export interface JourneyMap {
  id: string;
  title: string;
  start: string;
  groups: MapGroup[];
  /** Chapter ids in the order the learner played them. */
  path: string[];
  current?: string;
}

/**
 * The journey as a map for this learner: chapters grouped by phase (chapters no phase names
 * come last, under "Chapters"), each marked with where the learner stands.
 */
export function buildJourneyMap(journey: Journey, progress?: Progress): JourneyMap {
  const choices = progress ? choiceValues(progress) : {};
  const vars = progress ? variableValues(progress) : {};
  const context = conditionContext(journey, choices, vars);
  const holds = (when: Expression | undefined): { ok: boolean; reason?: string; depends?: string } => {
    if (!when) return { ok: true };
    // A condition on a choice not made yet is open: say what it waits for, not that it fails.
    const undecided = conditionChoicePoints(when.source).filter((id) => choices[id] === undefined && journey.chapters.get(id)?.choices.length);
    if (undecided.length > 0) {
      return { ok: true, depends: `depends on your choice at ${undecided.map((id) => `"${journey.chapters.get(id)?.title ?? id}"`).join(' and ')}` };
    }
    const result = evaluateCondition(when, context);
    if ('error' in result) return { ok: true };
    return result.value ? { ok: true } : { ok: false, reason: skipReason(journey, when) };
  };
  const outcomes = new Map<string, string | undefined>();
  for (const entry of progress?.history ?? []) outcomes.set(entry.chapter, entry.outcome);
  const current = progress && !progress.finished ? (progress.current ?? journey.start) : undefined;
  const takenNext = new Set(progress?.history.map((h) => h.chapter) ?? []);

  const describe = (chapter: Chapter): MapChapter => {
    const outcome = outcomes.get(chapter.id);
    const condition = holds(chapter.when);
    let mark: ChapterMark = 'not-yet';
    if (chapter.id === current) mark = 'current';
    else if (outcome === 'completed') mark = 'completed';
    else if (outcome === 'skipped') mark = 'skipped';
    else if (outcome === 'dead-end') mark = 'dead-end';
    else if (!condition.ok) mark = 'will-skip';
    return {
      id: chapter.id,
      title: chapter.title,
      mark,
      ...(condition.reason && (mark === 'skipped' || mark === 'will-skip') ? { reason: condition.reason } : {}),
      ...(condition.depends && mark === 'not-yet' ? { depends: condition.depends } : {}),
      ...(progress?.checks[chapter.id] ? { checks: progress.checks[chapter.id]!.status } : {}),
      choicePoint: chapter.choices.length > 0,
      deadEnd: Boolean(chapter.deadEnd),
      ending: chapter.choices.length === 0 && chapter.next.length === 0 && !chapter.deadEnd,
      options: chapter.choices.map((choice) => {
        const allowed = holds(choice.when);
        const chosen = choices[chapter.id] === choice.id;
        const record = chosen ? progress?.choices[chapter.id] : undefined;
        const audience = record?.audience
          ? { votes: record.audience.votes[choice.id] ?? 0, total: record.audience.total, decidedBy: record.audience.decidedBy, text: describeAudience(record)! }
          : undefined;
        return {
          id: choice.id,
          label: choice.label,
          goto: choice.goto,
          mark: chosen ? 'chosen' : allowed.ok ? 'open' : 'disabled',
          ...(!allowed.ok ? { because: choice.because ?? allowed.reason } : {}),
          ...(allowed.depends && !chosen ? { depends: allowed.depends } : {}),
          ...(audience ? { audience } : {}),
        };
      }),
      next: chapter.next.map((rule) => ({
        goto: rule.goto,
        ...(rule.when ? { when: rule.when.source, whenText: `when ${describeCondition(journey, rule.when)}` } : {}),
        taken: takenNext.has(chapter.id) && takenNext.has(rule.goto),
      })),
    };
  };

  const placed = new Set<string>();
  const groups: MapGroup[] = journey.phases.map((phase) => ({
    id: phase.id,
    title: phase.title,
    chapters: phase.chapters.flatMap((id) => {
      const chapter = journey.chapters.get(id);
      if (!chapter) return [];
      placed.add(id);
      return [describe(chapter)];
    }),
  }));
  const rest = [...journey.chapters.values()].filter((c) => !placed.has(c.id));
  if (rest.length > 0) groups.push({ id: '', title: journey.phases.length > 0 ? 'Other chapters' : 'Chapters', chapters: rest.map(describe) });
  return {
    id: journey.id,
    title: journey.title,
    start: journey.start,
    groups,
    path: progress?.history.map((h) => h.chapter) ?? [],
    ...(current ? { current } : {}),
  };
}
