// A chapter's contents at the step menu (as in runme): every step numbered, with what became of
// it, to run an earlier one again or go ahead to a later one.
import type { Chapter, Step } from '../journey/model.ts';
import type { Asker, PromptOption } from '../prompts.ts';
import { stepKey, type Progress } from '../state/progress.ts';

/** The step menu's option that opens the contents. */
export const CONTENTS_OPTION = {
  value: 'contents',
  name: "Go to a step (the chapter's contents)",
  key: 'g',
  description: "the chapter's steps and what became of each: pick an earlier one to run it again, or a later one to go ahead to it (the steps in between are recorded as skipped)",
} as const;

/** What the learner picked in the contents. */
export type ContentsPick = { kind: 'stay' } | { kind: 'again'; step: Step } | { kind: 'ahead'; index: number };

/** What became of a step, in a word or two: done, done (edited), skipped, failed, not yet. */
export function stepState(progress: Progress, chapter: Chapter, step: Step): string {
  const record = progress.steps[stepKey(chapter.id, step.id)];
  if (record?.status === 'done') return record.edited ? 'done, as you edited it' : 'done';
  if (record?.status === 'failed') return record.edited ? 'failed, as you edited it' : 'failed';
  if (record?.status === 'skipped') return 'skipped';
  return 'not yet';
}

/**
 * The contents of `chapter` with the learner at step `current` (0-based): each step with its
 * state, steps left out on this path shown with the reason and not selectable, and past the
 * last step the checks (or the way on).
 */
export async function pickFromContents(
  asker: Asker,
  chapter: Chapter,
  progress: Progress,
  current: number,
  leftOut: (step: Step) => string | undefined,
  status?: string,
): Promise<ContentsPick> {
  const total = chapter.steps.length;
  const end = ' end';
  const stay = ' stay';
  const options: Array<PromptOption<string>> = chapter.steps.map((step) => {
    const reason = step.index === current ? undefined : leftOut(step);
    const where = step.index === current ? ', you are here' : '';
    return {
      value: step.id,
      name: `Step ${step.index + 1} of ${total}${step.title ? `: ${step.title}` : ''} (${reason ? 'left out' : stepState(progress, chapter, step)}${where})`,
      ...(reason ? { disabled: reason } : {}),
    };
  });
  options.push({ value: end, name: chapter.checks.length > 0 ? 'Past the last step: the checks' : 'Past the last step: on to what comes next' });
  options.push({ value: stay, name: `None: back to step ${current + 1}`, key: 'b' });
  const picked = await asker.select(`Contents of "${chapter.title}": which step?`, options, stay, status);
  if (picked === end) return { kind: 'ahead', index: total };
  const step = chapter.steps.find((s) => s.id === picked);
  if (!step || step.index === current) return { kind: 'stay' };
  return step.index < current ? { kind: 'again', step } : { kind: 'ahead', index: step.index };
}
