// `hero-journey verify --format json`: the whole report, plus the per-column counts and leaders
// a script would otherwise recompute. Stable keys; times in ISO 8601; durations in milliseconds.
import { cellFor, columnCounts, leaders, verdictOf, type ClassroomReport } from '../model.ts';

/** The report as pretty-printed JSON, ending in a newline. */
export function renderJson(report: ClassroomReport, extra: { passedUntil?: Record<string, boolean> } = {}): string {
  const data = {
    ...report,
    attendees: report.attendees.map((a) => ({
      ...a,
      verdict: verdictOf(a),
      cells: Object.fromEntries(report.columns.map((c) => [c.id, cellFor(a, c)])),
      ...(extra.passedUntil ? { passedUntil: extra.passedUntil[a.name] ?? false } : {}),
    })),
    summary: {
      attendees: report.attendees.length,
      reachable: report.attendees.filter((a) => a.status === 'ok').length,
      failing: report.attendees.filter((a) => verdictOf(a) === 'failing').length,
      skipped: report.attendees.filter((a) => verdictOf(a) === 'skipped').length,
      unchecked: report.attendees.filter((a) => verdictOf(a) === 'unchecked').length,
      finished: report.attendees.filter((a) => a.finished).length,
      leaders: leaders(report),
      columns: columnCounts(report).map((c) => ({ id: c.column.id, here: c.here, passed: c.passed, failed: c.failed, skipped: c.skipped })),
    },
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}
