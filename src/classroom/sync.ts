// Mirrors a learner's progress into their cluster while they play, best effort: after a save,
// a quiet moment later, one `kubectl apply` of the mirror ConfigMap runs in the background. A
// failure never interrupts play; it produces one dim notice at most, and the next save tries
// again (the cluster may not exist yet in the first chapters).
import type { Progress } from '../state/progress.ts';
import { applyConfigMap, ensureNamespace, getConfigMap } from './kubectl.ts';
import { mirrorConfigMap, mirrorName, mirrorOf, parseMirror, type MirrorOrigin, type ProgressMirror } from './mirror.ts';

export interface ProgressSyncOptions {
  progress: () => Progress;
  /** Environment for kubectl: the learner's, with the kubeconfig and context of their steps. */
  env: Record<string, string | undefined>;
  namespace: string;
  attendee?: string;
  /** Where the mirror is written from (so another machine can tell it is not its own). */
  origin?: MirrorOrigin;
  /** Quiet time after the last save before the mirror is written. Default 1 s. */
  debounceMs?: number;
  /** Longest a sync may wait while saves keep coming. Default 5 s. */
  maxDelayMs?: number;
  /** After a failure, the earliest next try. Default 10 s. */
  retryAfterMs?: number;
  /** Time one kubectl call may take. Default 8 s. */
  timeoutMs?: number;
  now?: () => number;
}

/** The running mirror: tell it about saves; close it when play ends. */
export interface ProgressSync {
  /** Progress changed (it was just saved locally). Never blocks. */
  changed(): void;
  /** A notice for the learner, once: why the mirror could not be written. */
  takeNotice(): string | undefined;
  /** Write what is pending (waiting at most `waitMs`), then stop. */
  close(waitMs?: number): Promise<void>;
  /** What happened so far (tests and `status`). */
  readonly state: { writes: number; failures: number; lastError?: string; disabled?: string };
}

/** Start mirroring progress. Nothing runs until the first change. */
export function startProgressSync(options: ProgressSyncOptions): ProgressSync {
  const debounceMs = options.debounceMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  const retryAfterMs = options.retryAfterMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 8000;
  const now = options.now ?? (() => Date.now());
  const controller = new AbortController();
  const state: ProgressSync['state'] = { writes: 0, failures: 0 };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let firstChangeAt: number | undefined;
  let notBefore = 0;
  let dirty = false;
  let inFlight: Promise<void> | undefined;
  let namespaceReady = false;
  let notice: string | undefined;
  let noticed = false;
  let closed = false;
  let closing = false;

  const fail = (reason: string) => {
    state.failures++;
    state.lastError = reason;
    notBefore = now() + retryAfterMs;
    // No cluster yet (the first chapters create it) is normal: only a real problem is worth a word.
    if (!noticed && !noClusterYet(reason)) {
      noticed = true;
      notice = `Progress is not mirrored to your cluster (${reason}); play goes on, and it is saved on this machine. hero-journey tries again after the next step; --no-sync turns this off.`;
    }
  };

  const write = async (): Promise<void> => {
    const mirror = mirrorOf(options.progress(), { ...(options.attendee ? { attendee: options.attendee } : {}), ...(options.origin ? { origin: options.origin } : {}) });
    const configMap = mirrorConfigMap(mirror, options.namespace);
    const call = { env: options.env, timeoutMs, signal: controller.signal };
    let result = await applyConfigMap(configMap, call);
    if (!result.ok && !result.missing && !namespaceReady && /namespaces? "?[^"]*"? not found|NotFound/i.test(result.error)) {
      const created = await ensureNamespace(options.namespace, call);
      if (created.ok) result = await applyConfigMap(configMap, call);
      else result = created;
    }
    if (controller.signal.aborted && closed) return;
    if (result.ok) {
      namespaceReady = true;
      state.writes++;
      delete state.lastError;
      return;
    }
    if (result.missing) {
      state.disabled = result.error;
      state.failures++;
      state.lastError = result.error;
      return;
    }
    fail(oneLine(result.error));
  };

  const run = () => {
    timer = undefined;
    firstChangeAt = undefined;
    if (inFlight || state.disabled) return;
    dirty = false;
    inFlight = write()
      .catch((error: unknown) => fail(oneLine(error instanceof Error ? error.message : String(error))))
      .finally(() => {
        inFlight = undefined;
        if (dirty && !closed) schedule();
      });
  };

  const schedule = () => {
    if (state.disabled || closed || closing) return;
    const at = now();
    firstChangeAt ??= at;
    const wait = Math.max(Math.min(debounceMs, firstChangeAt + maxDelayMs - at), notBefore - at, 0);
    clearTimeout(timer);
    timer = setTimeout(run, wait);
    timer.unref?.();
  };

  return {
    state,
    changed() {
      if (closed || closing || state.disabled) return;
      dirty = true;
      if (!inFlight) schedule();
    },
    takeNotice() {
      const text = notice;
      notice = undefined;
      return text;
    },
    async close(waitMs = 4000) {
      if (closed || closing) return;
      closing = true;
      clearTimeout(timer);
      const finish = async () => {
        if (inFlight) await inFlight;
        // A final write only when the cluster answered last time: never hold the learner up at exit.
        if (dirty && !state.disabled && state.lastError === undefined) {
          dirty = false;
          notBefore = 0;
          await write().catch(() => {});
        }
      };
      let limit: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([finish(), new Promise<void>((resolve) => (limit = setTimeout(resolve, waitMs)))]);
      clearTimeout(limit);
      clearTimeout(timer);
      closed = true;
      controller.abort();
    },
  };
}

/** What the cluster holds for a journey: a mirror, nothing, or why it could not be read. */
export type MirrorLookup = { mirror: ProgressMirror } | { absent: true } | { error: string };

/** Read the learner's mirror from their current cluster (used to resume on another machine). */
export async function readProgressMirror(options: {
  journeyId: string;
  namespace: string;
  env: Record<string, string | undefined>;
  timeoutMs?: number;
}): Promise<MirrorLookup> {
  const found = await getConfigMap(mirrorName(options.journeyId), options.namespace, { env: options.env, timeoutMs: options.timeoutMs ?? 3000 });
  if ('notFound' in found) return { absent: true };
  if ('error' in found) return { error: oneLine(found.error) };
  const parsed = parseMirror(found.configMap);
  if ('problem' in parsed) return { error: parsed.problem };
  if (parsed.mirror.journeyId !== options.journeyId) return { absent: true };
  return parsed;
}

/** kubectl's ways of saying there is no cluster to talk to (yet): no kubeconfig, no context, nothing listening. */
export function noClusterYet(error: string): boolean {
  return /connection refused|was refused|no configuration has been provided|current-context is not set|context was not found|no such host|i\/o timeout|network is unreachable|did not finish within|Unable to connect to the server|dial tcp/i.test(error);
}

function oneLine(text: string): string {
  const line = text.replace(/^error: /i, '').split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}
