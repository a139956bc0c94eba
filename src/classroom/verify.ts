// Verify a whole class: every attendee concurrently (bounded), each within its own timeout, so
// an unreachable or hanging cluster never holds up the others. `watchClass` repeats that in
// rounds and reports each attendee as soon as their row changes.
import type { Journey } from '../journey/model.ts';
import { journeyColumns, type AttendeeReport, type ClassroomReport } from './model.ts';
import { ConnectionPool, verifyAttendee } from './recheck.ts';
import type { Attendee } from './targets.ts';

export interface ClassOptions {
  journey: Journey;
  attendees: Attendee[];
  /** Attendees verified at the same time. */
  concurrency: number;
  /** Per attendee, in milliseconds. */
  timeoutMs: number;
  namespace: string;
  modulesRefused?: string;
  baseEnv: NodeJS.ProcessEnv;
  cwd: string;
  until?: string;
  now?: () => Date;
}

export const DEFAULT_CONCURRENCY = 16;
export const DEFAULT_TIMEOUT_MS = 5000;

/** A report with every attendee still to be checked: what a live view shows first. */
export function pendingReport(options: Pick<ClassOptions, 'journey' | 'attendees' | 'timeoutMs' | 'until' | 'now'>): ClassroomReport {
  const at = (options.now?.() ?? new Date()).toISOString();
  return {
    journey: { id: options.journey.id, title: options.journey.title },
    generatedAt: at,
    timeoutMs: options.timeoutMs,
    columns: journeyColumns(options.journey),
    attendees: options.attendees.map((a) => ({ name: a.name, source: a.source, context: a.context, status: 'pending', chapters: [], durationMs: 0, checkedAt: at })),
    ...(options.until ? { until: options.until } : {}),
  };
}

/** Verify every attendee once. `onRow` hears about each as it finishes. */
export async function verifyClass(
  options: ClassOptions,
  hooks: { pool?: ConnectionPool; onRow?: (index: number, row: AttendeeReport) => void; signal?: AbortSignal } = {},
): Promise<ClassroomReport> {
  const report = pendingReport(options);
  await forEachLimited(options.attendees, options.concurrency, hooks.signal, async (attendee, index) => {
    const row = await verifyAttendee(attendee, {
      journey: options.journey,
      namespace: options.namespace,
      timeoutMs: options.timeoutMs,
      ...(options.modulesRefused ? { modulesRefused: options.modulesRefused } : {}),
      baseEnv: options.baseEnv,
      cwd: options.cwd,
      ...(hooks.pool ? { pool: hooks.pool } : {}),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    report.attendees[index] = row;
    hooks.onRow?.(index, row);
  });
  report.generatedAt = (options.now?.() ?? new Date()).toISOString();
  return report;
}

/**
 * Verify in rounds until `signal` aborts: connections are kept between rounds, a cluster that
 * comes back is picked up in the next round. `onChange` gets the report whenever a row changed.
 */
export async function watchClass(
  options: ClassOptions & { intervalMs: number },
  onChange: (report: ClassroomReport, changed: number[]) => void,
  signal: AbortSignal,
): Promise<ClassroomReport> {
  const pool = new ConnectionPool();
  const report = pendingReport(options);
  const fingerprints: string[] = report.attendees.map(() => '');
  onChange(report, []);
  try {
    while (!signal.aborted) {
      const started = Date.now();
      await verifyClass(options, {
        pool,
        signal,
        onRow: (index, row) => {
          // Rows cut short by Ctrl-C say nothing about the cluster.
          if (signal.aborted) return;
          report.attendees[index] = row;
          const print = fingerprint(row);
          if (print !== fingerprints[index]) {
            fingerprints[index] = print;
            report.generatedAt = new Date().toISOString();
            onChange(report, [index]);
          }
        },
      });
      const rest = options.intervalMs - (Date.now() - started);
      if (rest > 0) await sleep(rest, signal);
    }
  } finally {
    pool.closeAll();
  }
  return report;
}

/** What makes a row look different (not its timings). */
function fingerprint(row: AttendeeReport): string {
  return JSON.stringify({ ...row, durationMs: 0, checkedAt: '', chapters: row.chapters.map((c) => ({ ...c, checks: c.checks.map((k) => ({ ...k, durationMs: 0 })) })) });
}

/** Run `task` for each item, at most `limit` at a time, in order of the items. */
export async function forEachLimited<T>(items: T[], limit: number, signal: AbortSignal | undefined, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length && !signal?.aborted) {
      const index = next++;
      await task(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
