// Coming back to a chapter played partly before: a short recap of where the learner is,
// instead of the chapter's whole text again (gum and fzf users expect no redraw on resume).
import type { Chapter, Step } from '../journey/model.ts';
import { renderCallout } from '../render/chapter.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { stepKey, type Progress } from '../state/progress.ts';

/** Where a learner coming back to a chapter picks up. */
export interface ResumePoint {
  /** The first step neither done nor skipped; undefined when every step is. */
  next: Step | undefined;
  /** The first segment to show: the text right before `next` (earlier text is left out). */
  firstSegment: number;
  done: number;
  skipped: number;
}

/** The key at a step's menu that shows the chapter's text in full. */
export const FULL_TEXT_OPTION = { value: 'full-text', name: "Show the chapter's text in full", key: 't' } as const;

/**
 * Where the learner picks up in `chapter`, or undefined when they start it afresh (no step
 * before the next one was done or skipped): then the chapter's text is shown whole.
 */
export function resumePoint(chapter: Chapter, progress: Progress): ResumePoint | undefined {
  const status = (step: Step) => progress.steps[stepKey(chapter.id, step.id)]?.status;
  const nextIndex = chapter.steps.findIndex((step) => status(step) !== 'done' && status(step) !== 'skipped');
  const before = nextIndex === -1 ? chapter.steps : chapter.steps.slice(0, nextIndex);
  const last = before.at(-1);
  if (!last) return undefined;
  return {
    next: nextIndex === -1 ? undefined : chapter.steps[nextIndex],
    firstSegment: chapter.segments.findIndex((segment) => segment.kind === 'step' && segment.step.id === last.id) + 1,
    done: before.filter((step) => status(step) === 'done').length,
    skipped: before.filter((step) => status(step) === 'skipped').length,
  };
}

/** The recap shown under the chapter's header: which step is next, what became of those before it, how to read the whole text. */
export function renderRecap(chapter: Chapter, resume: ResumePoint, terminal: TerminalOptions, showCommand: string): string {
  const total = chapter.steps.length;
  const counts = [resume.done > 0 ? `${resume.done} done` : '', resume.skipped > 0 ? `${resume.skipped} skipped` : ''].filter(Boolean).join(' and ');
  const after = chapter.checks.length > 0 ? 'the checks come next' : chapter.choices.length > 0 ? 'your choice comes next' : 'the chapter ends here';
  const where = resume.next
    ? `You are at step ${resume.next.index + 1} of ${total}${resume.next.title ? ` (${resume.next.title})` : ''}; of the steps before it, ${counts}.`
    : `All ${total} step${total === 1 ? ' is' : 's are'} behind you (${counts}): ${after}.`;
  const key = resume.next ? `Press ${FULL_TEXT_OPTION.key} at the step's menu to read the chapter's text in full.` : `\`${showCommand}\` shows the chapter's text in full.`;
  return renderCallout('info', `Picking up "${chapter.title}" where you left off`, `${where} The text you read before is not shown again. ${key}`, terminal);
}
