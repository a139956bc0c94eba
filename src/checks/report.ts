// How check outcomes read: one status line for a pass, a box for a failure that says what was
// expected, what was found, and what to try — in that order.
import { renderCallout, renderSkipNotice, renderStatusLine } from '../render/chapter.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { formatLocation } from '../journey/problems.ts';
import type { CheckOutcome } from './engine.ts';

/** The text inside a failure box: Expected, Found, details, Hint. Plain text. */
export function failureBody(outcome: CheckOutcome): string {
  const parts: string[] = [];
  if (outcome.status === 'broken') {
    parts.push(outcome.reason);
    if (outcome.file) parts.push(`Module: ${outcome.file}`);
    if (outcome.details) parts.push(outcome.details);
    if (outcome.hint) parts.push(`Hint: ${outcome.hint}`);
    return parts.join('\n\n');
  }
  if (outcome.expected?.length) parts.push(`Expected: ${outcome.expected.join('\n')}`);
  if (outcome.found?.length) parts.push(`Found: ${outcome.found.join('\n')}`);
  else parts.push(`Found: ${outcome.reason}`);
  if (outcome.details) parts.push(outcome.details);
  if (outcome.hint) parts.push(`Hint: ${outcome.hint}`);
  return parts.join('\n\n');
}

/** One outcome for the terminal. */
export function renderOutcome(outcome: CheckOutcome, terminal: TerminalOptions): string {
  switch (outcome.status) {
    case 'passed':
      return renderStatusLine('done', `${outcome.title}: ${outcome.reason}`, terminal);
    case 'not-applicable':
      return renderSkipNotice(`check "${outcome.title}"`, outcome.reason, terminal);
    case 'failed':
      return renderCallout('error', `Check failed: ${outcome.title}`, failureBody(outcome), terminal);
    case 'broken':
      return renderCallout('error', `Broken check: ${outcome.title}`, failureBody(outcome), terminal);
  }
}

/** A one-line summary: "3 checks: 2 passed, 1 failed". */
export function summarize(outcomes: CheckOutcome[]): string {
  const count = (status: CheckOutcome['status']) => outcomes.filter((o) => o.status === status).length;
  const parts = [
    [count('passed'), 'passed'],
    [count('failed'), 'failed'],
    [count('broken'), 'broken'],
    [count('not-applicable'), 'not applicable'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, what]) => `${n} ${what}`);
  return `${outcomes.length} check${outcomes.length === 1 ? '' : 's'}: ${parts.join(', ') || 'none'}`;
}

/** Whether the outcomes let the learner go on. */
export function allPassed(outcomes: CheckOutcome[]): boolean {
  return outcomes.every((o) => o.status === 'passed' || o.status === 'not-applicable');
}

/** An outcome as JSON for `--json` (location as "file:line"). */
export function outcomeJson(outcome: CheckOutcome): Record<string, unknown> {
  return {
    id: outcome.id,
    title: outcome.title,
    type: outcome.type,
    status: outcome.status,
    reason: outcome.reason,
    ...(outcome.expected ? { expected: outcome.expected } : {}),
    ...(outcome.found ? { found: outcome.found } : {}),
    ...(outcome.details ? { details: outcome.details } : {}),
    ...(outcome.hint ? { hint: outcome.hint } : {}),
    ...(outcome.file ? { module: outcome.file } : {}),
    source: formatLocation(outcome.loc),
    attempts: outcome.attempts,
    durationMs: outcome.durationMs,
  };
}
