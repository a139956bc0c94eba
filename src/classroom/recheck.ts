// Verify one attendee: read their mirrored progress and re-run, read-only, the checks of every
// chapter they completed, within a time budget. A thin adapter over the check engine
// (prepareChecks/runChecks) and the read-only client (connectKube); it adds what the classroom
// needs: one connection per attendee kept across --watch rounds, a hard deadline, and code
// checks that may only run kubectl/helm against the attendee's context (anything else, such as
// `docker image inspect`, looks at the learner's own machine and is reported as such).
import { basename } from 'node:path';
import { prepareChecks, runChecks, type CheckOutcome } from '../checks/engine.ts';
import type { CheckContext, CheckResult, ExecOptions } from '../checks/define.ts';
import { loadCheckModule, type LoadedCheck } from '../checks/modules.ts';
import { conditionContext, evaluateCondition } from '../journey/expressions.ts';
import { isEnding } from '../journey/graph.ts';
import type { Chapter, CheckSpec, Expression, Journey } from '../journey/model.ts';
import type { KubeConnection } from '../kube/client.ts';
import { isKubeError } from '../kube/errors.ts';
import type { AttendeeReport, ChapterReport, CheckReport, RowStatus } from './model.ts';
import { mirrorName, parseMirror, valueLooksSecret, type ProgressMirror } from './mirror.ts';
import type { Attendee } from './targets.ts';

/** Marks the result of a code check that wanted to run a program on the learner's machine. */
const LOCAL_MARK = '\u0000local:';
/** Marks the failure of a code check whose module was not loaded because it is not trusted. */
export const MODULES_REFUSED = 'not trusted: verify runs a journey\'s code checks only with --trust';

export interface RecheckOptions {
  journey: Journey;
  /** Namespace of the progress mirror; `@context` means each attendee's context namespace. */
  namespace: string;
  /** The whole attendee (connect, read, checks) must finish within this. */
  timeoutMs: number;
  /** May the journey's code checks run? A string says why not. */
  modulesRefused?: string;
  /** Environment for code checks' kubectl/helm (PATH, HOME). */
  baseEnv: NodeJS.ProcessEnv;
  cwd: string;
  /** Connections kept between rounds (watch); absent: one connection per call, closed after. */
  pool?: ConnectionPool;
  /** Stop waiting (Ctrl-C in --watch): the attendee ends as not answering. */
  signal?: AbortSignal;
  /** The cluster answered (the progress mirror was read). */
  onAnswer?: () => void;
  /** Wait for a turn to re-run the checks (the attendee's clock is stopped meanwhile). */
  beforeChecks?: () => Promise<void>;
  now?: () => Date;
}

/** Connections per attendee, kept across --watch rounds; a connection that failed is dropped. */
export class ConnectionPool {
  private readonly connections = new Map<string, Promise<KubeConnection>>();

  get(attendee: Attendee, requestTimeoutMs: number): Promise<KubeConnection> {
    let connection = this.connections.get(attendee.id);
    if (!connection) {
      connection = connect(attendee, requestTimeoutMs);
      this.connections.set(attendee.id, connection);
      connection.catch(() => this.connections.delete(attendee.id));
    }
    return connection;
  }

  drop(attendee: Attendee): void {
    const connection = this.connections.get(attendee.id);
    this.connections.delete(attendee.id);
    connection?.then((c) => c.close()).catch(() => {});
  }

  closeAll(): void {
    for (const connection of this.connections.values()) connection.then((c) => c.close()).catch(() => {});
    this.connections.clear();
  }
}

/**
 * The most one reply from an attendee's cluster may have: a ConfigMap holds at most 1 MiB, and
 * the lists checks read in a workshop cluster are far smaller. A class of hundreds stays in memory.
 */
const MAX_ATTENDEE_REPLY_BYTES = 8 * 1024 * 1024;

async function connect(attendee: Attendee, timeoutMs: number): Promise<KubeConnection> {
  const { connectKube } = await import('../kube/client.ts');
  // The attendee's own clock decides when it is too slow; the client's limit is only a backstop.
  return connectKube(attendee.selection, { requestTimeoutMs: timeoutMs + 2000, maxResponseBytes: MAX_ATTENDEE_REPLY_BYTES });
}

/**
 * Verify one attendee; never throws: every failure becomes the row's status. Two steps, each
 * within the timeout: read the progress mirror (the cluster answers, or not), then re-run the
 * checks. Between them `beforeChecks` may wait (for a turn to run checks) without the clock running.
 */
export async function verifyAttendee(attendee: Attendee, options: RecheckOptions): Promise<AttendeeReport> {
  const started = performance.now();
  const checkedAt = (options.now?.() ?? new Date()).toISOString();
  const base = { name: attendee.name, source: attendee.source, context: attendee.context, chapters: [], checkedAt };
  const finish = (report: Omit<AttendeeReport, 'durationMs'>): AttendeeReport => ({ ...report, durationMs: Math.round(performance.now() - started) });
  if (attendee.refused) return finish({ ...base, status: 'refused', message: attendee.refused });

  const pool = options.pool ?? new ConnectionPool();
  const timers: Array<ReturnType<typeof setTimeout>> = [];
  /** Resolves 'expired' after the timeout (or at once on abort). */
  const clock = () =>
    new Promise<'expired'>((resolve) => {
      timers.push(setTimeout(() => resolve('expired'), options.timeoutMs));
      options.signal?.addEventListener('abort', () => resolve('expired'), { once: true });
    });
  try {
    // The clock runs from the attendee's turn, through connecting (reading the kubeconfig), to
    // the answer: a cluster that never answers is reported one timeout after its turn came. Only
    // loading the Kubernetes client (once per process, most of a second) does not count.
    await (await import('../kube/client.ts')).kubeClientReady();
    const contact = clock();
    const connected = pool.get(attendee, options.timeoutMs);
    const connection = await Promise.race([connected, contact]);
    if (connection === 'expired') {
      pool.drop(attendee);
      return finish({ ...base, status: 'timeout', message: `no answer within ${seconds(options.timeoutMs)}` });
    }
    const namespace = options.namespace === '@context' ? connection.reader.namespace : options.namespace;
    const where = `ConfigMap ${namespace}/${mirrorName(options.journey.id)}`;
    const read = connection.reader.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace, name: mirrorName(options.journey.id) });
    const answer = await Promise.race([read, contact]);
    if (answer === 'expired') {
      pool.drop(attendee);
      read.catch(() => {});
      return finish({ ...base, status: 'timeout', message: `no answer within ${seconds(options.timeoutMs)}` });
    }
    options.onAnswer?.();
    if (!answer) return finish({ ...base, status: 'no-progress', message: `no progress in the cluster yet (${where}): not started, or playing with --no-sync` });
    const parsed = parseMirror(answer as { data?: Record<string, unknown> });
    if ('problem' in parsed) return finish({ ...base, status: 'error', message: `progress mirror unreadable: ${parsed.problem}` });
    const mirror = parsed.mirror;
    const { chapters: path, ...believed } = pathOf(options.journey, mirror);
    const claims = believed.unknown.length > 0 ? `progress names chapters this journey does not have, not counted: ${believed.unknown.slice(0, 3).join(', ')}${believed.unknown.length > 3 ? ', ...' : ''}` : undefined;
    const attendeeFacts = { ...fromMirror(mirror), finished: believed.finished, ...(believed.current ? { current: believed.current } : {}) };

    await options.beforeChecks?.();
    const work = recheckPath(options.journey, mirror, path, connection, attendee, options);
    const result = await Promise.race([work, clock()]);
    if (result === 'expired') {
      pool.drop(attendee);
      work.catch(() => {});
      const chapters = path.map((c): ChapterReport => (c.state === 'passed' && (options.journey.chapters.get(c.id)?.checks.length ?? 0) > 0 ? { ...c, state: 'unchecked', reason: `checks did not finish within ${seconds(options.timeoutMs)}` } : c));
      const message = [`slow: checks did not finish within ${seconds(options.timeoutMs)}`, claims].filter(Boolean).join('; ');
      return finish({ ...base, ...attendeeFacts, status: 'ok', message, chapters, ...firstFailure(chapters) });
    }
    return finish({ ...base, ...attendeeFacts, status: 'ok', ...(claims ? { message: claims } : {}), chapters: result, ...firstFailure(result) });
  } catch (error) {
    pool.drop(attendee);
    const { status, message } = describeFailure(error, options.timeoutMs);
    return finish({ ...base, status, message });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    if (!options.pool) pool.closeAll();
  }
}

/** An attendee's path as the report shows it, and what of their progress was not believed. */
export interface AttendeePath {
  chapters: ChapterReport[];
  /** They reached an ending of the journey along their own choices (not merely a claim). */
  finished: boolean;
  /** Where they are, when the journey has it on their path. */
  current?: string;
  /** Chapter ids their progress names that the journey does not have (never counted). */
  unknown: string[];
}

/**
 * The chapters of an attendee's path, with what their own run concluded (no cluster yet). Their
 * history says what they played and how it ended; the journey says what is on their path: only
 * chapters the journey has, reached from its start through the choices they made, count. A
 * chapter played twice (after `back`) counts once, at its later visit. Linear in the history.
 */
export function pathOf(journey: Journey, mirror: ProgressMirror): AttendeePath {
  const route = routeOf(journey, mirror);
  const lastVisit = new Map<string, number>();
  mirror.history.forEach((entry, index) => lastVisit.set(entry.chapter, index));
  const unknown = new Set<string>();
  const chapters: ChapterReport[] = [];
  mirror.history.forEach((entry, index) => {
    if (lastVisit.get(entry.chapter) !== index) return;
    const chapter = journey.chapters.get(entry.chapter);
    if (!chapter) {
      unknown.add(entry.chapter);
      return;
    }
    // Played on a branch they left (after `back` or a dead end), or claimed: not on their path.
    if (!route.has(entry.chapter)) return;
    const learner = mirror.checks[entry.chapter]?.status;
    let state: ChapterReport['state'];
    let reason: string | undefined;
    if (entry.outcome === 'skipped' || route.get(entry.chapter)!.kind === 'passed-over') {
      state = 'not-applicable';
      reason = 'it did not apply on this path';
    } else if (entry.outcome === 'dead-end') {
      state = 'not-applicable';
      reason = 'a dead end: went back to the last choice';
    } else {
      state = entry.outcome === 'completed' ? 'passed' : 'current';
    }
    chapters.push({
      id: entry.chapter,
      title: chapter.title,
      state,
      ...(reason ? { reason } : {}),
      ...(learner ? { learner } : {}),
      ...(entry.at ? { at: entry.at } : {}),
      checks: [],
    });
  });
  const finished = mirror.finished && chapters.some((c) => c.state === 'passed' && isEnding(journey.chapters.get(c.id)!));
  const current = !finished && mirror.current !== undefined && route.get(mirror.current)?.kind === 'played' ? mirror.current : undefined;
  if (current !== undefined && !lastVisit.has(current)) {
    chapters.push({ id: current, title: journey.chapters.get(current)!.title, state: 'current', checks: [] });
  }
  // A chapter surely on their path that they went past without it in their history (left out of
  // the mirror) is judged like the others: by its checks, now.
  const listed = new Set(chapters.map((c) => c.id));
  const furthest = Math.max(-1, ...chapters.map((c) => route.get(c.id)!.order));
  for (const [id, step] of route) {
    if (listed.has(id) || step.kind !== 'played' || !step.certain || step.order >= furthest) continue;
    chapters.push({ id, title: journey.chapters.get(id)!.title, state: 'passed', reason: 'not in their progress: judged by its checks now', checks: [] });
  }
  chapters.sort((a, b) => route.get(a.id)!.order - route.get(b.id)!.order);
  return { chapters, finished, ...(current !== undefined ? { current } : {}), unknown: [...unknown] };
}

/**
 * The chapters on an attendee's path, from the journey's start through the choices they made:
 * `played`, or `passed-over` (its `when` was false). A condition that cannot be decided (it
 * reads a variable kept on the learner's machine) is followed both ways. At most one visit per
 * chapter, so this costs no more than the journey's size.
 */
function routeOf(journey: Journey, mirror: ProgressMirror): Map<string, RouteStep> {
  const choices = Object.fromEntries(Object.entries(mirror.choices).map(([id, c]) => [id, c.choice]));
  const context = conditionContext(journey, choices, mirror.vars);
  const decide = (when: Expression | undefined): boolean | 'unknown' => {
    if (!when) return true;
    const result = evaluateCondition(when, context);
    return 'error' in result ? 'unknown' : result.value;
  };
  const route = new Map<string, RouteStep>();
  const visited = new Set<string>();
  const queue: Array<{ id: string; certain: boolean }> = [{ id: journey.start, certain: true }];
  const follow = (chapter: Chapter, certain: boolean) => {
    for (const rule of chapter.next) {
      const applies = decide(rule.when);
      if (applies === false) continue;
      queue.push({ id: rule.goto, certain: certain && applies === true });
      if (applies === true) return;
    }
  };
  while (queue.length > 0) {
    const { id, certain } = queue.shift()!;
    const chapter = journey.chapters.get(id);
    // Conditions see the same choices and variables at every visit: one visit decides it all.
    if (!chapter || visited.has(id)) continue;
    visited.add(id);
    const active = decide(chapter.when);
    if (active !== true) {
      route.set(id, { kind: 'passed-over', order: route.size, certain });
      if (chapter.skipTo !== undefined) queue.push({ id: chapter.skipTo, certain: certain && active === false });
      else follow(chapter, certain && active === false);
      if (active === false) continue;
    }
    route.set(id, { kind: 'played', order: route.get(id)?.order ?? route.size, certain: certain && active === true });
    if (chapter.deadEnd) continue;
    if (chapter.choices.length > 0) {
      const chosen = chapter.choices.find((c) => c.id === choices[id]);
      if (chosen) queue.push({ id: chosen.goto, certain: route.get(id)!.certain });
      continue;
    }
    follow(chapter, route.get(id)!.certain);
  }
  return route;
}

/** A chapter on an attendee's path: played or passed over, its place on the path, and whether it is there for sure (no undecidable condition on the way). */
interface RouteStep {
  kind: 'played' | 'passed-over';
  order: number;
  certain: boolean;
}

async function recheckPath(
  journey: Journey,
  mirror: ProgressMirror,
  path: ChapterReport[],
  connection: KubeConnection,
  attendee: Attendee,
  options: RecheckOptions,
): Promise<ChapterReport[]> {
  const vars = { ...journey.vars, ...mirror.vars };
  const choices = conditionContext(journey, Object.fromEntries(Object.entries(mirror.choices).map(([id, c]) => [id, c.choice])), mirror.vars).choices;
  // The engine closes its connection when a run ends; this one belongs to the pool.
  const shared: KubeConnection = { ...connection, close() {} };
  const execEnv = {
    PATH: options.baseEnv.PATH,
    HOME: options.baseEnv.HOME,
    ...(attendee.selection.kubeconfig ? { KUBECONFIG: attendee.selection.kubeconfig } : { KUBECONFIG: attendee.selection.env.KUBECONFIG }),
  };
  return Promise.all(
    path.map(async (chapter): Promise<ChapterReport> => {
      const spec = journey.chapters.get(chapter.id);
      if (chapter.state !== 'passed' || !spec || spec.checks.length === 0) return chapter;
      if (spec.kubeconfig !== undefined) return { ...chapter, checks: otherClusterChecks(spec) };
      const prepared = prepareChecks(spec.checks, { vars, choices });
      const outcomes = await runChecks(
        prepared,
        {
          vars,
          choices,
          connect: async () => shared,
          loadModule: (id) => loadModule(journey, id, attendee.context, options.modulesRefused),
          execEnv,
          cwd: options.cwd,
          width: 100,
        },
        // Judged once each: the attendee's clock (the caller's race) bounds the whole run.
        { wait: false },
      );
      const checks = outcomes.map((o, i) => checkReport(o, spec.checks[i]));
      const failing = checks.find((c) => c.status === 'failed' || c.status === 'broken');
      const notRun = checks.find((c) => c.status === 'not-run');
      // The learner skipped these checks on purpose and they do not pass now: skipped, never passed.
      if (chapter.learner === 'skipped' && (failing || notRun)) {
        return { ...chapter, state: 'skipped', reason: `checks skipped by the learner, ${failing ? `failing now: ${failing.reason}` : 'not re-checked'}`, checks };
      }
      if (!failing && notRun) return { ...chapter, state: 'unchecked', reason: notRun.reason, checks };
      if (!failing) return { ...chapter, checks };
      return { ...chapter, state: 'failed', reason: `${failing.title}: ${failing.reason}`, checks };
    }),
  );
}

const loadedModules = new Map<string, Promise<LoadedCheck>>();

/** A journey's check module, with `ctx.exec` limited to kubectl/helm on the attendee's context. */
async function loadModule(journey: Journey, id: string, context: string, refused: string | undefined): Promise<LoadedCheck> {
  if (refused) throw new Error(MODULES_REFUSED);
  const key = `${journey.dir}\u0000${id}`;
  let loaded = loadedModules.get(key);
  if (!loaded) {
    loaded = loadCheckModule(journey.dir, id);
    loadedModules.set(key, loaded);
    loaded.catch(() => loadedModules.delete(key));
  }
  const module = await loaded;
  const run = module.definition.run;
  return {
    ...module,
    definition: {
      ...module.definition,
      async run(ctx: CheckContext): Promise<CheckResult> {
        const exec = (file: string, args: readonly string[] = [], execOptions?: ExecOptions) => {
          const program = basename(file).replace(/\.exe$/i, '');
          if (program === 'kubectl' || program === 'oc') return ctx.exec(file, ['--context', context, ...args], execOptions);
          if (program === 'helm') return ctx.exec(file, ['--kube-context', context, ...args], execOptions);
          throw new LocalProgram(program);
        };
        try {
          return await run({ ...ctx, exec });
        } catch (error) {
          if (error instanceof LocalProgram) return { ok: false, reason: `${LOCAL_MARK}${error.program}` };
          throw error;
        }
      },
    },
  };
}

class LocalProgram extends Error {
  readonly program: string;
  constructor(program: string) {
    super(`runs ${program}`);
    this.program = program;
  }
}

/**
 * The checks of a chapter that talks to another cluster of the learner's (its kubeconfig is a file
 * in their workspace, such as the production cluster Season 2 creates): the attendee's kubeconfig
 * does not reach it, so they are reported as the learner's own to run, never run elsewhere.
 */
export function otherClusterChecks(chapter: Pick<Chapter, 'checks' | 'kubeconfig'>): CheckReport[] {
  const reason = `looks at another cluster of the learner's (kubeconfig ${chapter.kubeconfig ?? ''} in their workspace), so only the learner can run it`;
  return chapter.checks.map((check) => ({ id: check.id, title: check.title ?? check.id, status: 'local', reason, durationMs: 0 }));
}

/** What the instructor sees of one check outcome: local checks and untrusted modules named as such, Secret values hidden, credentials masked. */
export function checkReport(outcome: CheckOutcome, spec: CheckSpec | undefined): CheckReport {
  if (outcome.status === 'failed' && outcome.reason.startsWith(LOCAL_MARK)) {
    const program = outcome.reason.slice(LOCAL_MARK.length);
    return {
      id: outcome.id,
      title: outcome.title,
      status: 'local',
      reason: `looks at the learner's own machine (${program}), so only the learner can run it`,
      durationMs: outcome.durationMs,
    };
  }
  if (outcome.status === 'broken' && outcome.reason.includes(MODULES_REFUSED)) {
    return { id: outcome.id, title: outcome.title, status: 'not-run', reason: 'code checks not run: they are the journey\'s code, and verify runs them only with --trust', durationMs: outcome.durationMs };
  }
  // An assert on a Secret says what it expected and found: never its values.
  const secret = spec !== undefined && spec.kind !== 'use' && spec.object.kind === 'Secret';
  const reason = secret ? outcome.reason.replace(/"(?:[^"\\]|\\.)*"/g, '"•••"') : outcome.reason;
  return {
    id: outcome.id,
    title: redact(outcome.title),
    status: outcome.status,
    reason: redact(reason),
    ...(outcome.hint ? { hint: redact(outcome.hint) } : {}),
    durationMs: outcome.durationMs,
  };
}

function fromMirror(mirror: ProgressMirror): Pick<AttendeeReport, 'displayName' | 'updatedAt'> {
  return {
    ...(mirror.attendee ? { displayName: mirror.attendee } : {}),
    ...(mirror.updatedAt ? { updatedAt: mirror.updatedAt } : {}),
  };
}

/** The first failing check along an attendee's path. */
export function firstFailure(chapters: ChapterReport[]): Pick<AttendeeReport, 'firstFailure'> {
  for (const chapter of chapters) {
    if (chapter.state !== 'failed') continue;
    const check = chapter.checks.find((c) => c.status === 'failed' || c.status === 'broken');
    return { firstFailure: { chapter: chapter.id, check: check?.title ?? '', reason: check?.reason ?? chapter.reason ?? '' } };
  }
  return {};
}

/** A row status and one line for an error on the way to an attendee's progress. */
export function describeFailure(error: unknown, timeoutMs: number): { status: RowStatus; message: string } {
  if (isKubeError(error)) {
    const message = redact(error.message);
    switch (error.code) {
      case 'timeout':
        return { status: 'timeout', message: `no answer within ${seconds(timeoutMs)}` };
      case 'unreachable':
        return { status: 'unreachable', message };
      case 'unauthorized':
        return { status: 'unauthorized', message };
      case 'forbidden':
        return { status: 'forbidden', message };
      case 'tls':
        return { status: 'tls', message };
      case 'config':
        return { status: 'config', message };
      default:
        return { status: 'error', message };
    }
  }
  return { status: 'error', message: redact(error instanceof Error ? error.message : String(error)) };
}

/** Mask anything that looks like a credential in a line shown to the instructor. */
export function redact(text: string): string {
  return text
    .replace(/-----BEGIN [A-Z ]+-----[\s\S]*?(-----END [A-Z ]+-----|$)/g, '[redacted]')
    .split(/(\s+)/)
    .map((word) => (word.trim() && valueLooksSecret(word.replace(/^["'(]+|["'),.;:]+$/g, '')) ? '[redacted]' : word))
    .join('');
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
