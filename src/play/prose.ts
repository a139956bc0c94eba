// A chapter's prose in play: text that depends on how the steps and checks went
// (`<!-- when: ... -->` blocks) is decided for this learner; blocks that read the checks wait
// until the checks ran.
import { evaluateExpression, type ConditionContext } from '../journey/expressions.ts';
import type { Chapter, Step } from '../journey/model.ts';
import { hasOutcomeBlocks, splitProse, type ProsePiece } from '../journey/outcome-text.ts';
import { renderMarkdown } from '../render/markdown.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { stepKey, type Progress } from '../state/progress.ts';

/** What deciding a block needs to know. */
export interface ProseState {
  chapter: Chapter;
  progress: Progress;
  conditions: ConditionContext;
  dryRun: boolean;
  /** The nearest step above the block, if any. */
  lastStep: Step | undefined;
}

/** A block that reads the checks, kept until they ran, with the step above it at the time. */
export interface DeferredBlock {
  piece: Extract<ProsePiece, { kind: 'when' }>;
  lastStep: Step | undefined;
}

function stepOutcome(state: ProseState, step: Step): string {
  if (state.dryRun) return 'not-run';
  return state.progress.steps[stepKey(state.chapter.id, step.id)]?.status ?? '';
}

/** Whether a block's condition holds now; an expression that cannot be evaluated counts as false (lint reports it). */
export function blockHolds(piece: Extract<ProsePiece, { kind: 'when' }>, state: ProseState): boolean {
  const checks = state.dryRun ? 'not-run' : (state.progress.checks[state.chapter.id]?.status ?? '');
  const result = evaluateExpression(
    piece.when,
    {
      choices: state.conditions.choices,
      vars: state.conditions.vars,
      step: state.lastStep ? stepOutcome(state, state.lastStep) : '',
      steps: new Map(state.chapter.steps.map((step) => [step.id, stepOutcome(state, step)])),
      checks,
    },
    'outcome',
  );
  return 'value' in result && result.value === true;
}

/**
 * Render a prose segment: plain text as is, each decided block's branch. Blocks that read the
 * checks are added to `deferred` (when the chapter has checks still to run) instead.
 */
export function renderProse(text: string, state: ProseState, terminal: TerminalOptions, options: { omitTitle?: string; deferred?: DeferredBlock[] }): string {
  const render = (markdown: string, first: boolean) => (markdown ? renderMarkdown(markdown, terminal, first && options.omitTitle ? { omitTitle: options.omitTitle } : {}) : '');
  if (!hasOutcomeBlocks(text)) return render(text, true);
  const out: string[] = [];
  for (const [i, piece] of splitProse(text, state.chapter.file, 0).pieces.entries()) {
    if (piece.kind === 'text') {
      out.push(render(piece.text, i === 0));
      continue;
    }
    if (piece.afterChecks && options.deferred && state.chapter.checks.length > 0) {
      options.deferred.push({ piece, lastStep: state.lastStep });
      continue;
    }
    out.push(render(blockHolds(piece, state) ? piece.then : piece.otherwise, i === 0));
  }
  return out.join('');
}

/** The blocks that waited for the checks, decided now. */
export function renderDeferred(deferred: DeferredBlock[], state: Omit<ProseState, 'lastStep'>, terminal: TerminalOptions): string {
  return deferred
    .map(({ piece, lastStep }) => {
      const markdown = blockHolds(piece, { ...state, lastStep }) ? piece.then : piece.otherwise;
      return markdown ? renderMarkdown(markdown, terminal) : '';
    })
    .join('');
}
