// What `hero-journey verify` found, as plain data: every output (terminal grid, JSON, JUnit,
// HTML, the live dashboard) is a pure function of a ClassroomReport.
import type { Journey } from '../journey/model.ts';

/** How the attempt to read an attendee went. `ok` means their progress was read. */
export type RowStatus =
  | 'ok'
  | 'no-progress'
  | 'refused'
  | 'unreachable'
  | 'timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'tls'
  | 'config'
  | 'error'
  | 'pending';

/** One chapter on an attendee's path. */
export type ChapterState =
  /** Completed, and its checks pass now (or it has none). */
  | 'passed'
  /** Completed, and a check fails now. */
  | 'failed'
  /** The chapter the attendee is on. */
  | 'current'
  /** The learner skipped its checks, and they do not pass now: never counted as passed. */
  | 'skipped'
  /** Completed, but its checks could not be re-run (in time, or at all). */
  | 'unchecked'
  /** Not part of the work on this path: its `when` was false, or a dead end they came back from. Shown as an empty cell. */
  | 'not-applicable';

export type CheckState = 'passed' | 'failed' | 'broken' | 'not-applicable' | 'local' | 'not-run';

export interface CheckReport {
  id: string;
  title: string;
  status: CheckState;
  reason: string;
  hint?: string;
  durationMs: number;
}

export interface ChapterReport {
  id: string;
  title: string;
  state: ChapterState;
  /** Why it is failed/skipped/unchecked, one line. */
  reason?: string;
  /** What the learner's own run concluded, from their progress. */
  learner?: 'passed' | 'failed' | 'skipped' | 'unverified';
  /** When the attendee entered the chapter. */
  at?: string;
  checks: CheckReport[];
}

export interface AttendeeReport {
  name: string;
  /** The name the learner set for themselves (config `attendee:`), when any. */
  displayName?: string;
  source: string;
  context: string;
  status: RowStatus;
  /** Why the row is not `ok`, one line. */
  message?: string;
  current?: string;
  finished?: boolean;
  updatedAt?: string;
  /** Chapters along the attendee's own path, in the order they played them. */
  chapters: ChapterReport[];
  /** The first failing check along the path. */
  firstFailure?: { chapter: string; check: string; reason: string };
  durationMs: number;
  checkedAt: string;
}

/** A column of the grid: a top-level chapter and its variants (`https`, `https/cert-manager-helm`). */
export interface Column {
  id: string;
  title: string;
  chapters: string[];
}

export interface ClassroomReport {
  journey: { id: string; title: string };
  generatedAt: string;
  timeoutMs: number;
  columns: Column[];
  attendees: AttendeeReport[];
  /** Set by --until: the chapter everyone must have passed. */
  until?: string;
}

/** A grid cell: one column of one attendee. */
export interface Cell {
  /** `none`: no chapter of the column is (yet) part of their path. */
  state: Exclude<ChapterState, 'not-applicable'> | 'none';
  /** The variant taken in this column (`kbld` for `build-image/kbld`), when not the column itself. */
  variant?: string;
  reason?: string;
}

/**
 * The grid's columns: each top-level chapter id segment (`setup`, `build-image`, ...) in the
 * journey's order, holding its variants. A journey without folders gets one column per chapter.
 */
export function journeyColumns(journey: Pick<Journey, 'phases' | 'chapters'>): Column[] {
  const order: string[] = [];
  for (const phase of journey.phases) for (const id of phase.chapters) if (!order.includes(id)) order.push(id);
  for (const id of journey.chapters.keys()) if (!order.includes(id)) order.push(id);
  const columns = new Map<string, Column>();
  for (const id of order) {
    const key = id.split('/')[0]!;
    let column = columns.get(key);
    if (!column) {
      const head = journey.chapters.get(key);
      column = { id: key, title: head?.title ?? key, chapters: [] };
      columns.set(key, column);
    }
    column.chapters.push(id);
  }
  return [...columns.values()];
}

/** The column a chapter belongs to. */
export function columnOf(chapterId: string): string {
  return chapterId.split('/')[0]!;
}

/** One attendee's cell in a column: the worst state of their chapters in it, and the variant they took. */
export function cellFor(attendee: AttendeeReport, column: Column): Cell {
  const visited = attendee.chapters.filter((c) => columnOf(c.id) === column.id && c.state !== 'not-applicable');
  if (visited.length === 0) return { state: 'none' };
  const rank: Record<ChapterState, number> = { failed: 5, skipped: 4, current: 3, unchecked: 2, passed: 1, 'not-applicable': 0 };
  let worst = visited[0]!;
  for (const c of visited) if (rank[c.state] > rank[worst.state]) worst = c;
  const state = worst.state as Cell['state'];
  const variants = visited.filter((c) => c.id !== column.id).map((c) => c.id.slice(column.id.length + 1));
  return {
    state,
    ...(variants.length > 0 ? { variant: variants.join('+') } : {}),
    ...(worst.reason && (state === 'failed' || state === 'unchecked' || state === 'skipped') ? { reason: worst.reason } : {}),
  };
}

/** How far along an attendee is: chapters of their path they are past (passed, failing, skipped or not applicable). */
export function progressScore(attendee: AttendeeReport): number {
  if (attendee.finished) return Number.MAX_SAFE_INTEGER;
  return attendee.chapters.filter((c) => c.state !== 'current').length;
}

/** Per column: how many attendees are on it now, passed it, fail in it, skipped its checks. For "count per chapter". */
export function columnCounts(report: ClassroomReport): Array<{ column: Column; here: number; passed: number; failed: number; skipped: number }> {
  return report.columns.map((column) => {
    const counts = { column, here: 0, passed: 0, failed: 0, skipped: 0 };
    for (const attendee of report.attendees) {
      const cell = cellFor(attendee, column);
      if (cell.state === 'current') counts.here++;
      else if (cell.state === 'passed') counts.passed++;
      else if (cell.state === 'failed') counts.failed++;
      else if (cell.state === 'skipped') counts.skipped++;
    }
    return counts;
  });
}

/**
 * Where an attendee stands, the one verdict every output (grid, JSON, JUnit, HTML, exit code)
 * shows: `down` (their progress could not be read), `failing` (a check fails now), `skipped`
 * (checks they skipped do not pass now), `unchecked` (checks could not be re-run), `passing`
 * (everything on their path passed so far), or `not-started`/`pending`.
 */
export type Verdict = 'passing' | 'failing' | 'skipped' | 'unchecked' | 'down' | 'not-started' | 'pending';

export function verdictOf(attendee: AttendeeReport): Verdict {
  if (attendee.status === 'pending') return 'pending';
  if (attendee.status === 'no-progress') return 'not-started';
  if (attendee.status !== 'ok') return 'down';
  if (attendee.chapters.some((c) => c.state === 'failed')) return 'failing';
  if (attendee.chapters.some((c) => c.state === 'skipped')) return 'skipped';
  if (attendee.chapters.some((c) => c.state === 'unchecked')) return 'unchecked';
  return 'passing';
}

/** The attendees furthest along (several on a tie; none when nobody started). */
export function leaders(report: ClassroomReport): string[] {
  const scores = report.attendees.filter((a) => a.status === 'ok').map((a) => ({ name: a.name, score: progressScore(a) }));
  const best = Math.max(0, ...scores.map((s) => s.score));
  if (best === 0) return [];
  return scores.filter((s) => s.score === best).map((s) => s.name);
}

/** Whether an attendee counts as passed for the exit code: `--until CHAPTER` reached and passed, or else passing so far. */
export function attendeePasses(attendee: AttendeeReport, until: string | undefined, journeyOrder: string[]): boolean {
  return until ? passedUntil(attendee, until, journeyOrder) : verdictOf(attendee) === 'passing';
}

/**
 * Whether an attendee reached CHAPTER (or a variant of it, or a chapter after it in the journey's
 * order, for branches that skip it) with every chapter on the way, and CHAPTER itself, passing.
 */
export function passedUntil(attendee: AttendeeReport, chapter: string, journeyOrder: string[]): boolean {
  if (attendee.status !== 'ok') return false;
  const inTarget = (id: string) => id === chapter || id.startsWith(`${chapter}/`);
  const lastTarget = journeyOrder.reduce((last, id, index) => (inTarget(id) ? index : last), -1);
  const beyond = (id: string) => lastTarget >= 0 && journeyOrder.indexOf(id) > lastTarget;
  let reached = false;
  for (const c of attendee.chapters) {
    const target = inTarget(c.id);
    if (reached && !target) break;
    if (c.state !== 'passed' && c.state !== 'not-applicable') return false;
    if (target || beyond(c.id)) reached = true;
  }
  // `finished` is only set when their path reached an ending of the journey, every chapter passed above.
  return reached || Boolean(attendee.finished);
}

/** Short words for row statuses, as the grid and dashboard show them. */
export const statusWords: Record<RowStatus, string> = {
  ok: 'ok',
  'no-progress': 'not started',
  refused: 'refused',
  unreachable: 'unreachable',
  timeout: 'no answer',
  unauthorized: '401 unauthorized',
  forbidden: '403 forbidden',
  tls: 'TLS error',
  config: 'bad kubeconfig',
  error: 'error',
  pending: 'checking',
};
