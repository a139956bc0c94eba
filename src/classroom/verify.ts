// Verify a whole class: every attendee concurrently (bounded), each within its own timeout, so
// an unreachable or hanging cluster never holds up the others. Contacting attendees (reading
// their progress) has a wider limit than re-running checks, so a cluster that never answers
// starts its timeout early rather than at the end of the queue. `watchClass` repeats that in rounds
// and reports each attendee as soon as their row changes.
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

export const DEFAULT_CONCURRENCY = 32;
export const DEFAULT_TIMEOUT_MS = 5000;
/**
 * Contacting an attendee (connect, read the progress mirror) is one small request that mostly
 * waits on the network: eight times --concurrency may be under way (256 by default, a whole
 * class), so every cluster that never answers starts its clock at once, not at the end of a queue.
 */
const CONTACTS_PER_SLOT = 8;
/**
 * An attendee whose cluster has not answered after this long is waiting on the network and uses
 * nothing here: it steps aside so the next attendee starts (at most 4x the limit in flight).
 */
const STEP_ASIDE_MS = 1000;

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
  const contacts = createLimiter(options.concurrency * CONTACTS_PER_SLOT);
  const limiter = createLimiter(options.concurrency);
  await Promise.all(
    options.attendees.map(async (attendee, index) => {
      let slot = await contacts.acquire(TURN);
      if (hooks.signal?.aborted) return slot.release();
      const aside = setTimeout(() => slot.stepAside(), Math.min(STEP_ASIDE_MS, options.timeoutMs / 3));
      try {
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
          onAnswer: () => clearTimeout(aside),
          beforeChecks: async () => {
            slot.release();
            slot = await limiter.acquire(TURN);
          },
        });
        report.attendees[index] = row;
        hooks.onRow?.(index, row);
      } finally {
        clearTimeout(aside);
        slot.release();
      }
    }),
  );
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

/** Every turn of a verify pass asks with the same priority: first come, first served. */
const TURN = 0;

/** A turn to work on an attendee. */
export interface Slot {
  /** Waiting on the network only: no longer counts against the limit (still in flight). */
  stepAside(): void;
  /** Done with this turn. Safe to call more than once. */
  release(): void;
}

/**
 * At most `limit` turns at a time, handed out by priority (lower first), then in order of asking.
 * A turn that steps aside frees its place, though at most `4 * limit` are ever in flight.
 */
export function createLimiter(limit: number): { acquire(priority: number): Promise<Slot> } {
  const most = Math.max(1, limit);
  let active = 0;
  let inFlight = 0;
  const waiting: Array<{ priority: number; grant: (slot: Slot) => void }> = [];
  const pump = () => {
    while (waiting.length > 0 && active < most && inFlight < most * 4) {
      let best = 0;
      for (let i = 1; i < waiting.length; i++) if (waiting[i]!.priority < waiting[best]!.priority) best = i;
      const [next] = waiting.splice(best, 1);
      active++;
      inFlight++;
      let counted = true;
      let held = true;
      const stepAside = () => {
        if (!counted) return;
        counted = false;
        active--;
        pump();
      };
      next!.grant({
        stepAside,
        release() {
          if (!held) return;
          held = false;
          inFlight--;
          stepAside();
          pump();
        },
      });
    }
  };
  return {
    acquire(priority) {
      return new Promise((grant) => {
        waiting.push({ priority, grant });
        pump();
      });
    },
  };
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
