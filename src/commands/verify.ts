import type { CliOptions } from '../cli/parse.ts';
import { attendeePasses, passedUntil, type ClassroomReport } from '../classroom/model.ts';
import { MIRROR_NAMESPACE } from '../classroom/mirror.ts';
import { renderGrid } from '../classroom/report/grid.ts';
import { renderHtml } from '../classroom/report/html.ts';
import { renderJson } from '../classroom/report/json.ts';
import { renderJunit } from '../classroom/report/junit.ts';
import { resolveAttendees } from '../classroom/targets.ts';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, pendingReport, verifyClass, watchClass, type ClassOptions } from '../classroom/verify.ts';
import { isBundledJourney } from '../checks/modules.ts';
import { fingerprintModules, isRemembered, trustGranted } from '../checks/trust.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { Journey } from '../journey/model.ts';
import type { CommandIO } from './io.ts';
import { openJourney } from './session.ts';
import { tableTerminalFor } from './terminal.ts';

/** Seconds between --watch / --serve rounds (a round itself takes up to the timeout). */
const WATCH_INTERVAL_MS = 2000;
const DEFAULT_PORT = 8080;

/** `hero-journey verify`: every attendee's progress and checks, once, watched, or served live. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  // Loading the Kubernetes client takes a while: start now, while the journey and targets load.
  (await import('../kube/client.ts')).preloadKubeClient();
  const journey = await openJourney(options, io);
  if (options.until !== undefined && ![...journey.chapters.keys()].some((id) => id === options.until || id.startsWith(`${options.until}/`))) {
    throw new UserError(`--until ${options.until}: journey "${journey.id}" has no such chapter`, {
      hint: `use a chapter id such as ${[...journey.chapters.keys()].slice(0, 3).join(', ')} (hero-journey map --json lists them)`,
      exitCode: ExitCode.usage,
    });
  }
  const format = options.json ? 'json' : (options.format ?? 'table');
  if ((options.watch || options.serve !== undefined) && format !== 'table') {
    throw new UserError(`--format ${format} prints one report: it does not combine with --watch or --serve`, { exitCode: ExitCode.usage });
  }
  const attendees = await resolveAttendees({
    targets: [...(options.kubeconfig ? [options.kubeconfig] : []), ...options.args],
    contexts: options.contexts,
    allowExec: options.allowExec,
    cwd: io.cwd,
    env: io.env,
  });
  const modulesRefused = await moduleRefusal(journey, io.env);
  const room = options.path !== undefined ? await roomGrader(options.path, journey, io.cwd) : undefined;
  const classOptions: ClassOptions = {
    journey,
    attendees,
    concurrency: options.concurrency ?? DEFAULT_CONCURRENCY,
    timeoutMs: (options.timeoutSeconds ?? DEFAULT_TIMEOUT_MS / 1000) * 1000,
    namespace: options.progressNamespace ?? MIRROR_NAMESPACE,
    ...(modulesRefused ? { modulesRefused } : {}),
    baseEnv: io.env,
    cwd: io.cwd,
    ...(options.until ? { until: options.until } : {}),
  };
  const order = [...journey.chapters.keys()];
  const exitCode = (report: ClassroomReport) => {
    const ok = report.attendees.every((a) => attendeePasses(a, options.until, order));
    return ok ? ExitCode.ok : ExitCode.failure;
  };

  try {
    if (options.serve !== undefined) return await serve(classOptions, options.serve || DEFAULT_PORT, io, room?.grade);
    if (options.watch) return await watch(classOptions, options, io, room?.grade);
  } finally {
    room?.stop();
  }

  const report = await verifyClass(classOptions);
  room?.grade(report);
  if (format === 'json') {
    const until = options.until;
    io.stdout.write(renderJson(report, until ? { passedUntil: Object.fromEntries(report.attendees.map((a) => [a.name, passedUntil(a, until, order)])) } : {}));
  } else if (format === 'junit') io.stdout.write(renderJunit(report));
  else if (format === 'html') io.stdout.write(renderHtml(report));
  else io.stdout.write(renderGrid(report, tableTerminalFor(options, io)));
  return exitCode(report);
}

/** Refresh the grid in place (a terminal) or print it again when it changed (a pipe), until Ctrl-C. */
async function watch(classOptions: ClassOptions, options: CliOptions, io: CommandIO, grade: (report: ClassroomReport) => void = () => {}): Promise<number> {
  const terminal = tableTerminalFor(options, io);
  const tty = Boolean(io.stdout.isTTY);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let last = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  let latest: ClassroomReport | undefined;
  const draw = () => {
    timer = undefined;
    if (!latest) return;
    const text = renderGrid(latest, terminal);
    if (text === last) return;
    last = text;
    // Home and clear-to-end redraw without the flicker of clearing the whole screen first.
    io.stdout.write(tty ? `\u001B[H${text.split('\n').join('\u001B[K\n')}\u001B[J` : `${text}\n`);
  };
  try {
    if (tty) io.stdout.write('\u001B[2J');
    await watchClass(
      { ...classOptions, intervalMs: WATCH_INTERVAL_MS },
      (report) => {
        grade(report);
        latest = report;
        // Rows finish one by one: draw at most a few times a second.
        timer ??= setTimeout(draw, tty ? 150 : 1000);
      },
      controller.signal,
    );
  } finally {
    clearTimeout(timer);
    draw();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return ExitCode.ok;
}

/** Serve the live dashboard until Ctrl-C. */
async function serve(classOptions: ClassOptions, port: number, io: CommandIO, grade: (report: ClassroomReport) => void = () => {}): Promise<number> {
  const { startDashboard } = await import('../classroom/serve.ts');
  let dashboard;
  try {
    dashboard = await startDashboard({ port, report: pendingReport(classOptions) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot serve the dashboard on port ${port}: ${code === 'EADDRINUSE' ? 'the port is in use' : (error as Error).message}`, {
      hint: 'pick another port: --serve 8081',
    });
  }
  io.stderr.write(`Dashboard: ${dashboard.url}  (${classOptions.attendees.length} attendees; Ctrl-C stops)\n`);
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await watchClass({ ...classOptions, intervalMs: WATCH_INTERVAL_MS }, (report, changed) => {
        grade(report);
        dashboard.update(report, changed);
      }, controller.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await dashboard.close();
  }
  return ExitCode.ok;
}

/**
 * --path: grade every attendee against the room's path. A presenter's address is read again every
 * few seconds while --watch or --serve runs, as the room moves on.
 */
async function roomGrader(spec: string, journey: Journey, cwd: string): Promise<{ grade: (report: ClassroomReport) => void; stop: () => void }> {
  const { gradeAgainstRoom, loadRoomPath } = await import('../classroom/room-path.ts');
  let room = await loadRoomPath(spec, journey, cwd);
  const live = /^https?:\/\//i.test(spec);
  const timer = live ? setInterval(() => void loadRoomPath(spec, journey, cwd).then((next) => (room = next), () => {}), WATCH_INTERVAL_MS) : undefined;
  timer?.unref();
  return { grade: (report) => void gradeAgainstRoom(report, journey, room), stop: () => clearInterval(timer) };
}

/**
 * A journey's check modules are code: verify runs those of the bundled journey, and of another
 * journey only with --trust (or HERO_JOURNEY_TRUST_CHECKS=1, or an earlier yes in play).
 * Returns why they may not run, or undefined when they may.
 */
async function moduleRefusal(journey: Journey, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const usesModules = [...journey.chapters.values()].some((c) => c.checks.some((k) => k.kind === 'use'));
  if (!usesModules || isBundledJourney(journey.dir) || trustGranted(env)) return undefined;
  const { digest } = await fingerprintModules(journey);
  if (await isRemembered(journey.dir, digest, env)) return undefined;
  return `not run: the check modules of ${journey.dir} are code, and verify runs them only with --trust`;
}
