// The check engine: runs a chapter's checks (code modules and declarative asserts) against the
// cluster and, when asked to wait, retries each failing check until it passes or its timeout ends.
//
// Waiting is driven by watches: an assert keeps the objects it looks at in memory (list + watch)
// and is judged again the moment one changes; a module is run again when an object of a kind it
// read changes. Polling (every second) is only the fallback: for modules that read nothing from
// the API (an HTTPS request), for kinds the cluster does not serve yet, and when a watch fails.
import { UserError } from '../errors.ts';
import type { SourceLocation } from '../journey/model.ts';
import type { KubeConnection } from '../kube/client.ts';
import { recognizeNetworkFailure } from '../network.ts';
import { isKubeError, KubeError } from '../kube/errors.ts';
import type { KubeObject, KubeReader, ListRef, WatchHandle } from '../kube/types.ts';
import { judgeAssert, type AssertTarget } from './assert.ts';
import type { PreparedCheck } from './prepare.ts';
import type { CheckContext, CheckResult } from './define.ts';
import { createExec, RefusedCommandError } from './exec.ts';
import { createHelpers } from './helpers.ts';
import { BrokenCheckError, type LoadedCheck } from './modules.ts';
import { sanitize } from '../render/sanitize.ts';

/** How one check ended. */
export type CheckStatus = 'passed' | 'failed' | 'broken' | 'not-applicable';

/** The result of one check, with everything the learner (or a script) needs. */
export interface CheckOutcome {
  /** The check's id in its chapter. */
  id: string;
  title: string;
  type: 'use' | 'assert' | 'error';
  status: CheckStatus;
  /** One line. */
  reason: string;
  /** What the check wanted (asserts: a heading, then one line per expectation). */
  expected?: string[];
  /** What the cluster has (asserts: a heading, then the differences). */
  found?: string[];
  details?: string;
  hint?: string;
  /** The module file of a `use:` check. */
  file?: string;
  /** Waiting cannot make it pass (no kubeconfig, the cluster does not answer, the kind is unknown): it stopped at once. */
  cannotPass?: true;
  /** Where the check is written. */
  loc: SourceLocation;
  /** How many times it was evaluated. */
  attempts: number;
  durationMs: number;
}

/** What the engine needs from its caller. */
export interface EngineOptions {
  /** The journey's variables (defaults, inputs, captured). */
  vars: Record<string, string>;
  /** Choices made, for `when` and expressions. */
  choices: Record<string, string>;
  /** Connect to the cluster; called at most once, when the first check needs it. */
  connect: () => Promise<KubeConnection>;
  /** Import a check module; the caller decides whether it may (trust). */
  loadModule: (id: string) => Promise<LoadedCheck>;
  /** Environment for `ctx.exec` (PATH, KUBECONFIG, journey variables). */
  execEnv: Record<string, string | undefined>;
  cwd: string;
  /** Columns for expected/found lines. */
  width?: number;
}

export interface RunOptions {
  /** Retry failing checks until their timeout; false: judge each once. */
  wait: boolean;
  /** Seconds, for checks without `timeout`. */
  defaultTimeoutSeconds?: number;
  /** Stop waiting (Ctrl-C): failing checks end as they are. */
  signal?: AbortSignal;
  /** Called whenever a check's state changes, for the countdown line. */
  onProgress?: (state: WaitState) => void;
  /** Clock in milliseconds; tests pass their own. */
  now?: () => number;
  /** Milliseconds between polls while waiting (default 1 s); tests set it beyond their timeout to see a watch at work. */
  pollMs?: number;
}

/** What the countdown shows. */
export interface WaitState {
  checks: Array<{ id: string; title: string; status: CheckStatus | 'pending'; reason: string; deadline: number; settled: boolean }>;
}

export const DEFAULT_TIMEOUT_SECONDS = 60;
const POLL_MS = 1000;
/** A kind the cluster does not serve is asked for again this long (a CRD applied a moment ago) before the check gives up. */
const NOT_SERVED_GRACE_MS = 10_000;

/**
 * Whether waiting cannot help a check that failed with `error`: the kubeconfig cannot be used,
 * the cluster does not answer or refuses the credentials ('now'), or it does not know the
 * kind ('soon': after a short grace, for a CRD that is still being registered).
 */
function waitingCannotHelp(error: unknown): 'now' | 'soon' | undefined {
  if (error instanceof UserError) return 'now';
  if (!isKubeError(error)) return undefined;
  if (error.code === 'not-served') return 'soon';
  return ['config', 'unreachable', 'timeout', 'tls', 'unauthorized'].includes(error.code) ? 'now' : undefined;
}

/** Run prepared checks once, or until each passes or times out. Outcomes come back in the same order. */
export async function runChecks(checks: PreparedCheck[], engine: EngineOptions, options: RunOptions): Promise<CheckOutcome[]> {
  const now = options.now ?? (() => performance.now());
  const started = now();
  const session = new Session(engine);
  try {
    const trackers = checks.map((check) => new Tracker(check, session, options, started + (check.timeoutSeconds ?? options.defaultTimeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS) * 1000, now));
    const report = () => options.onProgress?.({ checks: trackers.map((t) => t.state()) });
    for (const tracker of trackers) tracker.onChange = report;
    await Promise.all(trackers.map((t) => t.run()));
    report();
    return trackers.map((t) => t.outcome());
  } finally {
    session.close();
  }
}

/** One run of checks: the cluster connection and loaded modules, shared by its checks. */
class Session {
  private connection: Promise<KubeConnection> | undefined;
  private readonly modules = new Map<string, Promise<LoadedCheck>>();
  readonly engine: EngineOptions;
  constructor(engine: EngineOptions) {
    this.engine = engine;
  }

  connect(): Promise<KubeConnection> {
    this.connection ??= this.engine.connect();
    return this.connection;
  }

  load(id: string): Promise<LoadedCheck> {
    let loaded = this.modules.get(id);
    if (!loaded) {
      loaded = this.engine.loadModule(id);
      this.modules.set(id, loaded);
    }
    return loaded;
  }

  close(): void {
    this.connection?.then((c) => c.close()).catch(() => {});
  }
}

type Verdict = Omit<CheckOutcome, 'id' | 'title' | 'type' | 'loc' | 'attempts' | 'durationMs'> & {
  title?: string;
  /** The check could not look (cluster trouble, a variable not set): the chapter's hint, written for a real failure, does not apply. */
  couldNotLook?: boolean;
  /** Waiting cannot help: stop at once ('now') or after a short grace ('soon'). */
  hopeless?: 'now' | 'soon';
};

/** Runs one check, and keeps running it while it fails and time is left. */
class Tracker {
  onChange: () => void = () => {};
  private verdict: Verdict = { status: 'failed', reason: 'not checked yet' };
  private attempts = 0;
  private settled = false;
  private finishedAt: number | undefined;
  private readonly startedAt: number;
  private title: string;
  private readonly subscriptions: WatchHandle[] = [];
  private finish: () => void = () => {};
  /** Single flight: a module runs once at a time; a change during a run asks for one more. */
  private running: Promise<void> | undefined;
  private again = false;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  /** Kinds a module read, by key, to re-run it when they change. */
  private readonly reads = new Map<string, ListRef>();
  private readonly watched = new Set<string>();

  private readonly check: PreparedCheck;
  private readonly session: Session;
  private readonly options: RunOptions;
  private readonly deadline: number;
  private readonly now: () => number;

  constructor(check: PreparedCheck, session: Session, options: RunOptions, deadline: number, now: () => number) {
    this.check = check;
    this.session = session;
    this.options = options;
    this.deadline = deadline;
    this.now = now;
    this.title = check.title;
    this.startedAt = now();
  }

  state(): WaitState['checks'][number] {
    return { id: this.check.id, title: this.title, status: this.settled ? this.verdict.status : this.attempts === 0 ? 'pending' : this.verdict.status, reason: this.verdict.reason, deadline: this.deadline, settled: this.settled };
  }

  outcome(): CheckOutcome {
    const { title: _title, hint: ownHint, couldNotLook, hopeless, ...verdict } = this.verdict;
    // The check's own hint (from the module or the cluster error) first, then the chapter's.
    const hints = verdict.status === 'broken' || couldNotLook ? [ownHint] : [ownHint, this.check.hint];
    const hint = [...new Set(hints.filter((h): h is string => Boolean(h)))].join('\n');
    return {
      id: this.check.id,
      title: this.title,
      type: this.check.type,
      loc: this.check.spec.loc,
      ...verdict,
      ...(hint ? { hint } : {}),
      ...(hopeless && verdict.status === 'failed' ? { cannotPass: true as const } : {}),
      attempts: this.attempts,
      durationMs: Math.round((this.finishedAt ?? this.now()) - this.startedAt),
    };
  }

  async run(): Promise<void> {
    if (this.check.settled) {
      const { id: _i, title: _t, type: _ty, loc: _l, ...rest } = this.check.settled;
      this.verdict = { ...rest, couldNotLook: true };
      this.settle();
      return;
    }
    const done = new Promise<void>((resolve) => (this.finish = resolve));
    await this.evaluate();
    if (!this.settled) {
      if (!this.options.wait || this.remaining() <= 0 || this.options.signal?.aborted) this.settle();
      else this.startWaiting();
    }
    await done;
  }

  private remaining(): number {
    return this.deadline - this.now();
  }

  private record(raw: Verdict): void {
    if (this.settled) return;
    // Reasons carry what the cluster and check modules say: no escape sequence of theirs reaches a terminal.
    const verdict: Verdict = {
      ...raw,
      reason: sanitize(raw.reason),
      ...(raw.title !== undefined ? { title: sanitize(raw.title) } : {}),
      ...(raw.details !== undefined ? { details: sanitize(raw.details) } : {}),
      ...(raw.hint !== undefined ? { hint: sanitize(raw.hint) } : {}),
      ...(raw.expected ? { expected: raw.expected.map(sanitize) } : {}),
      ...(raw.found ? { found: raw.found.map(sanitize) } : {}),
    };
    this.attempts++;
    if (verdict.title) this.title = verdict.title;
    this.verdict = verdict;
    const hopeless = verdict.hopeless === 'now' || (verdict.hopeless === 'soon' && this.now() - this.startedAt >= NOT_SERVED_GRACE_MS);
    if (verdict.status === 'passed' || verdict.status === 'broken' || hopeless) this.settle();
    else this.onChange();
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.finishedAt = this.now();
    for (const sub of this.subscriptions.splice(0)) sub.stop();
    clearTimeout(this.pollTimer);
    clearTimeout(this.deadlineTimer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.onChange();
    this.finish();
  }

  private readonly onAbort = () => {
    if (!this.settled) this.verdict = { ...this.verdict, reason: `${this.verdict.reason} (stopped waiting)` };
    this.settle();
  };

  private startWaiting(): void {
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.deadlineTimer = setTimeout(() => this.settle(), Math.max(0, this.remaining()));
    if (this.check.type === 'use') {
      this.watchReads();
      this.schedulePoll();
    } else {
      void this.watchAssert();
    }
  }

  /** Evaluate once: run the module, or fetch the objects and judge the assert. */
  private evaluate(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        const verdict = this.check.type === 'use' ? await this.runModule() : await this.fetchAndJudge();
        this.record(verdict);
      } while (this.again && !this.settled);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedulePoll(): void {
    if (this.settled) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      void this.evaluate().then(() => {
        if (this.check.type === 'use') this.watchReads();
        this.schedulePoll();
      });
    }, this.options.pollMs ?? POLL_MS);
  }

  // --- declarative asserts ---------------------------------------------------------------

  private async where(connection: KubeConnection): Promise<AssertTarget> {
    if (this.check.type === 'use') throw new Error('not an assert');
    const target = this.check.target;
    if (!target.apiVersion || !target.kind) throw new KubeError('not-served', 'the object needs apiVersion and kind');
    const info = await connection.reader.resource(target);
    if (!info) {
      // Ask for it the way a read would, to get the learner-facing error.
      await connection.reader.list({ apiVersion: target.apiVersion, kind: target.kind, namespace: target.namespace ?? connection.reader.namespace });
    }
    return {
      apiVersion: target.apiVersion,
      kind: target.kind,
      ...(target.name ? { name: target.name } : {}),
      ...(info?.namespaced ? { namespace: target.namespace ?? connection.reader.namespace } : {}),
    };
  }

  private listRef(target: AssertTarget): ListRef {
    return {
      apiVersion: target.apiVersion,
      kind: target.kind,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(target.name ? { fieldSelector: `metadata.name=${target.name}` } : {}),
    };
  }

  private judge(target: AssertTarget, objects: KubeObject[]): Verdict {
    if (this.check.type === 'use') throw new Error('not an assert');
    const verdict = judgeAssert(this.check.assert, target, objects, { vars: this.session.engine.vars, choices: this.session.engine.choices }, this.session.engine.width ?? 100);
    return { status: verdict.ok ? 'passed' : 'failed', reason: verdict.reason, expected: verdict.expected, found: verdict.found };
  }

  private async fetchAndJudge(): Promise<Verdict> {
    try {
      const connection = await this.session.connect();
      const target = await this.where(connection);
      const objects = target.name
        ? [await connection.reader.get({ apiVersion: target.apiVersion, kind: target.kind, name: target.name, ...(target.namespace ? { namespace: target.namespace } : {}) })].filter((o): o is KubeObject => o !== undefined)
        : await connection.reader.list(this.listRef(target));
      return this.judge(target, objects);
    } catch (error) {
      return this.failure(error);
    }
  }

  /** Keep the objects in memory and judge on every change; fall back to polling when that cannot start. */
  private async watchAssert(): Promise<void> {
    try {
      const connection = await this.session.connect();
      const target = await this.where(connection);
      const handle = await connection.informer(
        this.listRef(target),
        (objects) => this.record(this.judge(target, objects)),
        () => {
          // The watch broke for good (RBAC, the kind went away): poll instead.
          this.schedulePoll();
        },
      );
      if (this.settled) handle.stop();
      else this.subscriptions.push(handle);
    } catch (error) {
      if (this.settled) return;
      this.record(this.failure(error));
      this.schedulePollThenWatch();
    }
  }

  /** Poll once a second until the assert's kind can be watched (a CRD being installed), then watch. */
  private schedulePollThenWatch(): void {
    if (this.settled) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.watchAssert(), this.options.pollMs ?? POLL_MS);
  }

  // --- code checks -----------------------------------------------------------------------

  private async runModule(): Promise<Verdict> {
    if (this.check.type !== 'use') throw new Error('not a code check');
    let loaded: LoadedCheck;
    try {
      loaded = await this.session.load(this.check.moduleId);
    } catch (error) {
      return this.failure(error);
    }
    const title = this.check.spec.title ? this.check.title : loaded.definition.title;
    let reader: KubeReader;
    try {
      reader = (await this.session.connect()).reader;
    } catch (error) {
      reader = unavailableReader(error);
    }
    const controller = new AbortController();
    const abort = () => controller.abort();
    this.options.signal?.addEventListener('abort', abort, { once: true });
    const ctx: CheckContext = {
      kube: recordingReader(reader, (ref) => this.noteRead(ref)),
      vars: Object.freeze({ ...this.session.engine.vars }),
      args: Object.freeze({ ...this.check.args }),
      exec: createExec(this.session.engine.execEnv, this.session.engine.cwd, controller.signal),
      helpers: createHelpers(recordingReader(reader, (ref) => this.noteRead(ref))),
      signal: controller.signal,
    };
    try {
      const result: unknown = await loaded.definition.run(ctx);
      const problem = resultProblem(result);
      if (problem) {
        return { title, status: 'broken', reason: `check module ${this.check.moduleId} ${problem}`, file: loaded.file, hint: brokenHint(loaded.file) };
      }
      const r = result as CheckResult;
      // A module that could not reach a host says so in its reason: the chapter's hint, written for a real failure, does not apply.
      const offline = !r.ok && !r.hint ? recognizeNetworkFailure(r.reason) : undefined;
      return {
        title,
        status: r.ok ? 'passed' : 'failed',
        reason: r.reason,
        file: loaded.file,
        ...(r.details ? { details: r.details } : {}),
        ...(r.hint ? { hint: r.hint } : {}),
        // Connection refused may well be what the chapter's hint is about (nothing serves yet): keep it too.
        ...(offline ? { hint: offline.hint, ...(offline.kind === 'refused' ? {} : { couldNotLook: true }) } : {}),
      };
    } catch (error) {
      if (isKubeError(error)) return { title, ...this.failure(error), file: loaded.file };
      const offline = recognizeNetworkFailure(error);
      if (offline) return { title, status: 'failed', reason: offline.reason, hint: offline.hint, couldNotLook: true, file: loaded.file };
      const message = error instanceof Error ? error.message : String(error);
      return {
        title,
        status: 'broken',
        reason: error instanceof RefusedCommandError ? `check module ${this.check.moduleId} tried to run a command checks may not run: ${message}` : `check module ${this.check.moduleId} threw an error: ${message}`,
        file: loaded.file,
        ...(error instanceof Error && error.stack ? { details: cleanStack(error.stack, loaded.file) } : {}),
        hint: brokenHint(loaded.file),
      };
    } finally {
      this.options.signal?.removeEventListener('abort', abort);
    }
  }

  private noteRead(ref: ListRef): void {
    const key = `${ref.apiVersion}|${ref.kind}|${ref.allNamespaces ? '*' : (ref.namespace ?? '')}|${ref.labelSelector ?? ''}|${ref.fieldSelector ?? ''}`;
    if (!this.reads.has(key)) this.reads.set(key, ref);
  }

  /** Watch every kind the module read (once each); any change after that runs it again. */
  private watchReads(): void {
    if (this.settled) return;
    void this.session.connect().then(
      (connection) => {
        for (const [key, ref] of this.reads) {
          if (this.watched.has(key)) continue;
          this.watched.add(key);
          let listed = false;
          connection
            .informer(
              ref,
              () => {
                // The first call is the list: what the module just saw. Changes come after it.
                if (listed) void this.evaluate();
                listed = true;
              },
              () => this.watched.delete(key),
            )
            .then(
              (handle) => {
                if (this.settled) handle.stop();
                else this.subscriptions.push(handle);
              },
              () => this.watched.delete(key),
            );
        }
      },
      () => {},
    );
  }

  // --- shared ------------------------------------------------------------------------------

  /** A check that could not be evaluated: cluster trouble is a failure with its own hint; anything else is a broken check. */
  private failure(error: unknown): Verdict {
    if (isKubeError(error) || error instanceof UserError) {
      const hopeless = waitingCannotHelp(error);
      return { status: 'failed', reason: error.message, couldNotLook: true, ...(error.hint ? { hint: error.hint } : {}), ...(hopeless ? { hopeless } : {}) };
    }
    if (error instanceof BrokenCheckError) {
      const cause = error.cause instanceof Error ? error.cause : undefined;
      return {
        status: 'broken',
        reason: error.message,
        file: error.file,
        ...(cause?.stack ? { details: cleanStack(cause.stack, error.file) } : {}),
        hint: cause && !cause.stack?.includes('\n    at ') ? cause.message : brokenHint(error.file),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return { status: 'broken', reason: `the check could not run: ${message}`, hint: 'this is a bug in hero-journey or the journey: please report it' };
  }
}

/** Why a module's return value is not a check result, or undefined when it is one. */
function resultProblem(result: unknown): string | undefined {
  if (typeof result !== 'object' || result === null) return `returned ${result === undefined ? 'nothing' : typeof result} instead of { ok, reason }`;
  const r = result as Partial<CheckResult>;
  if (typeof r.ok !== 'boolean') return 'returned a result without a boolean `ok`';
  if (typeof r.reason !== 'string' || !r.reason) return 'returned a result without a `reason`';
  return undefined;
}

function brokenHint(file: string): string {
  return `this is a bug in the check module ${file}, not something you did: tell the journey's author, and skip the check to go on`;
}

/** The stack lines that point into the module, at most a few. */
function cleanStack(stack: string, file: string): string {
  const lines = stack.split('\n');
  const frames = lines.filter((line) => line.includes(file)).slice(0, 3);
  return [lines[0] ?? '', ...frames].join('\n');
}

/** A reader that reports each kind read (for watching) and passes the call on. */
function recordingReader(reader: KubeReader, onRead: (ref: ListRef) => void): KubeReader {
  return Object.freeze({
    context: reader.context,
    server: reader.server,
    namespace: reader.namespace,
    get: ((ref) => {
      onRead({ apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace ?? reader.namespace, fieldSelector: `metadata.name=${ref.name}` });
      return reader.get(ref);
    }) as KubeReader['get'],
    list: ((ref) => {
      onRead({ ...ref, ...(ref.namespace || ref.allNamespaces ? {} : { namespace: reader.namespace }) });
      return reader.list(ref);
    }) as KubeReader['list'],
    watch: reader.watch.bind(reader),
    resource: reader.resource.bind(reader),
  });
}

/** A reader for when the kubeconfig cannot be used: every call fails with the reason. */
function unavailableReader(error: unknown): KubeReader {
  const fail = async (): Promise<never> => {
    throw error;
  };
  return Object.freeze({ context: '', server: '', namespace: 'default', get: fail, list: fail, watch: fail, resource: fail });
}

export type { PreparedCheck };
export { prepareChecks } from './prepare.ts';
