import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { CliOptions } from '../cli/parse.ts';
import { beginPlaySync } from '../classroom/play-sync.ts';
import { ExitCode, UserError } from '../errors.ts';
import { nameLooksSecret } from '../state/progress.ts';
import { kubeEnvironment } from '../kube/env.ts';
import { commandLine, startedFromClone } from '../cli/invocation.ts';
import { playJourney, StopPlaying, type PlayEvent } from '../play/loop.ts';
import { interactiveAsker, scriptedAsker, type Asker } from '../prompts.ts';
import { pagerWanted, terminalPager } from '../pager.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import type { Finding } from '../checks/doctor.ts';
import type { Journey } from '../journey/model.ts';
import { renderCallout, renderStatusLine } from '../render/chapter.ts';
import type { CommandIO } from './io.ts';
import { findChapter, kubeSelection, openSession } from './session.ts';
import { presetAnswers } from './answers.ts';
import type { VoteEvent } from '../vote/live.ts';
import { terminalFor } from './terminal.ts';
import { inferredNotice } from '../journey/files.ts';

/** `hero-journey [play]`: play the journey from the saved position. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  // --json: one event per line on stdout for a machine; the pages a person would read go to stderr.
  const pages = options.json ? io.stderr : io.stdout;
  const emit = options.json ? (event: PlayEvent | VoteEvent) => void io.stdout.write(`${JSON.stringify(event)}\n`) : undefined;
  try {
    return await play(options, io, pages, emit);
  } catch (error) {
    if (emit && error instanceof UserError) emit({ event: 'stopped', exitCode: error.exitCode, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
    throw error;
  }
}

async function play(options: CliOptions, io: CommandIO, pages: CommandIO['stdout'], emit: ((event: PlayEvent | VoteEvent) => void) | undefined): Promise<number> {
  const terminal = terminalFor(options, { ...io, stdout: pages });
  const write = (text: string) => void pages.write(text.endsWith('\n') ? text : `${text}\n`);
  // Two plays in one workspace would run every step twice; a dry run saves nothing and needs no lock.
  // Held until the process exits.
  const session = await openSession({ ...options, lock: true }, io, (notice) => write(renderCallout('warning', 'Progress was damaged', notice, terminal)));

  const answers = await presetAnswers(options, io.cwd, session.journey);
  const from = options.from !== undefined ? findChapter(session.journey, options.from, io.cwd, 'play --from') : undefined;
  for (const [name, value] of Object.entries(answers.inputs)) {
    const declared = [...session.journey.chapters.values()].some((c) => c.inputs.some((i) => i.name === name)) ||
      session.journey.inputs.some((i) => i.name === name) ||
      session.journey.phases.some((phase) => phase.inputs?.some((i) => i.name === name));
    if (!declared) {
      session.progress.vars[name] = { value, source: 'flag', secret: nameLooksSecret(name), at: new Date().toISOString() };
    }
  }
  const interactive = !options.yes && !options.json && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
  const stepEnv = await kubeEnvironment({
    ...kubeSelection(options, io),
    scratchDir: `${session.progressFile.replace(/\.json$/, '')}.d`,
  });
  if (session.journey.inferred) {
    const notice = inferredNotice(session.journey.inferredFrom);
    write(renderCallout('info', notice.title, notice.text, terminal));
    emit?.({ event: 'inferred', journey: session.journey.id, from: session.journey.inferredFrom ?? 'plain', message: notice.text });
  }
  if (options.dryRun) write(renderCallout('info', 'Dry run', 'Every step is shown and none is run. Nothing is saved.', terminal));

  const command = playCommand(options);
  const controller = new AbortController();
  const checkFirst = !options.dryRun && session.progress.history.length === 0 ? preflight(session.journey, options, io, write, terminal, interactive) : undefined;
  const asker = interactive ? interactiveAsker(io, controller.signal, terminal, checkFirst?.questionShown) : scriptedAsker();
  if (options.journey === undefined && session.fresh) {
    const go = await offerWorkspace(session.workspace, { interactive, dryRun: options.dryRun, asker, write, terminal, io: { ...io, stdout: pages } });
    if (!go) return ExitCode.ok;
  }
  const tty = !options.json && Boolean(io.stdout.isTTY);
  const room =
    options.vote !== undefined || options.follow !== undefined
      ? await (await import('../vote/live.ts')).openLiveRoom(options, {
          journey: session.journey,
          progressFile: session.progressFile,
          io,
          terminal,
          tty,
          write,
          writeRaw: (text) => void pages.write(text),
          ...(emit ? { emit } : {}),
          signal: controller.signal,
          dryRun: options.dryRun,
        })
      : undefined;
  // Progress is mirrored into the learner's cluster after each save (best effort, in the background).
  const sync = await beginPlaySync({
    journey: session.journey,
    progress: session.progress,
    fresh: session.fresh,
    enabled: options.sync && !options.dryRun,
    env: { ...io.env, ...stepEnv },
    asker,
    terminal,
    write,
    save: session.save,
    progressFile: session.progressFile,
    ...(options.continueFrom ? { continueFrom: resolve(io.cwd, options.continueFrom) } : {}),
  });
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await playJourney({
      journey: session.journey,
      progress: session.progress,
      save: async () => {
        await session.save();
        sync.saved();
      },
      asker,
      answers,
      deadEndAnswers: new Map(),
      ...(from ? { from } : {}),
      guardStep: (onKey) => guardStepKeys(io, controller, onKey),
      ...(interactive ? { handKeyboard: () => handKeyboard(io) } : {}),
      ...(interactive && options.pager && pagerWanted(io.env) ? { pageText: terminalPager({ input: io.stdin, output: pages, color: terminal.color, unicode: terminal.unicode, signal: controller.signal }) } : {}),
      terminal,
      tty,
      write,
      writeRaw: (text) => void pages.write(text),
      ...(emit ? { emit } : {}),
      ...(checkFirst ? { preflight: checkFirst } : {}),
      workspace: session.workspace,
      stepEnv,
      dryRun: options.dryRun,
      yes: options.yes,
      signal: controller.signal,
      ...(room ? { decideChoice: room.decideChoice } : {}),
      command,
    });
  } catch (error) {
    if (error instanceof StopPlaying) {
      if (error.exitCode === ExitCode.ok) write(renderStatusLine('info', `Progress saved. Run ${command('')} again to continue where you stopped.`, terminal));
      else if (error.exitCode === ExitCode.failure) write(renderStatusLine('info', `Progress saved. Run ${command('')} again to pick up where it failed: what did not pass is offered again.`, terminal));
      emit?.({ event: 'stopped', exitCode: error.exitCode });
      return error.exitCode;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await room?.close();
    await sync.close(controller.signal.aborted);
  }
}

/** The command line for `args` that reaches this journey and workspace again, as the learner started hero-journey. */
function playCommand(options: CliOptions): (args: string) => string {
  const quote = (value: string) => (/^[\w@%+=:,./~-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`);
  const where = [
    ...(options.journey !== undefined ? ['--journey', quote(options.journey)] : []),
    ...(options.workspace !== undefined ? ['--workspace', quote(options.workspace)] : []),
    ...(options.kubeconfig !== undefined ? ['--kubeconfig', quote(options.kubeconfig)] : []),
    ...(options.context !== undefined ? ['--context', quote(options.context)] : []),
  ];
  return (args) => commandLine([args, ...where].filter(Boolean).join(' '));
}

/**
 * Before the journey's first step, what `hero-journey doctor` would find: the tools the journey
 * declares and, when it declares kubectl, the cluster and permissions. Started once the first page
 * is on screen, in a terminal once that page's first question is (so loading and probing never
 * delay what the learner reads), awaited before the first step; problems are shown with their
 * fixes, and the learner decides (the step's menu has Quit).
 */
function preflight(journey: Journey, options: CliOptions, io: CommandIO, write: (text: string) => void, terminal: TerminalOptions, interactive: boolean) {
  let findings: Promise<Finding[]> | undefined;
  let done = false;
  let pageShown = false;
  const start = () =>
    (findings ??= import('../checks/doctor.ts').then(({ runDoctor }) =>
      runDoctor({
        journey,
        kube: kubeSelection(options, io),
        env: io.env,
        cluster: journey.tools.some((tool) => tool.name === 'kubectl'),
      }),
    ));
  return {
    pageShown() {
      pageShown = true;
      if (!interactive) setImmediate(start);
    },
    /** A question before the first page (the workspace offer) starts nothing. */
    questionShown() {
      if (pageShown) void start();
    },
    async beforeFirstStep() {
      if (done) return;
      done = true;
      const problems = (await start().catch((): Finding[] => [])).filter((f) => f.status === 'problem');
      if (problems.length === 0) return;
      const lines = problems.map((f) => `• ${f.message}${f.fix ? `\n  Fix: ${f.fix}` : ''}`);
      write(renderCallout('warning', 'Before the first step', `${lines.join('\n')}\n\nThe steps may fail until this is fixed. "${playCommand(options)('doctor')}" shows the whole report.`, terminal));
    },
  };
}

/** True when the folder holds nothing but hidden entries (such as `.git`): no workspace was created in it. */
async function looksEmpty(folder: string): Promise<boolean> {
  const entries = await readdir(folder).catch(() => ['unreadable']);
  return entries.every((name) => name.startsWith('.'));
}

/**
 * The bundled journey's steps build and deploy Hero from its workspace (`hero-journey init`).
 * Before the first chapter in a folder without it: in an empty folder, offer to create it
 * here; elsewhere, say what is missing. Returns false when the learner chose to stop.
 */
async function offerWorkspace(
  folder: string,
  context: { interactive: boolean; dryRun: boolean; asker: Asker; write: (text: string) => void; terminal: TerminalOptions; io: CommandIO },
): Promise<boolean> {
  if (await stat(join(folder, 'app', 'main.go')).catch(() => undefined)) return true;
  const empty = await looksEmpty(folder);
  if (empty && context.interactive && !context.dryRun) {
    const answer = await context.asker.select(
      "This folder is empty, and the chapters build and deploy Hero from its workspace (the app's source, its Helm chart, Kustomize files and more). Create it here?",
      [
        { value: 'create', name: `Create the workspace here (${commandLine('init')})`, key: 'c' },
        { value: 'play', name: 'Play without it (I will set things up myself)', key: 'p' },
        { value: 'quit', name: `Quit (create it elsewhere: ${commandLine('init ./hero')})`, key: 'q' },
      ],
      'create',
    );
    if (answer === 'quit') return false;
    if (answer === 'create') await (await import('./init.ts')).run({ force: false, next: false }, context.io);
    return true;
  }
  context.write(
    renderCallout(
      'warning',
      "Not Hero's workspace",
      `${empty ? 'This folder is empty' : 'This folder has no app/main.go'}: the chapters build and deploy Hero from the files "${commandLine('init')}" creates, so their steps will not find them here.\n\n${
        startedFromClone()
          ? `npm start plays in the clone itself. Create the workspace next to it with "${commandLine('init ../hero')}", then play there with "${commandLine('--workspace ../hero')}"`
          : `Create the workspace with "${commandLine('init ./hero')}" and play in that folder`
      }, or carry on if you set things up yourself.`,
      context.terminal,
    ),
  );
  return true;
}

/**
 * While a step runs or checks wait, hero-journey reads the keyboard itself: Ctrl-C stops the
 * step. A prompt that just closed may leave the terminal in raw mode, where Ctrl-C is a key and
 * not SIGINT, so relying on the signal alone would sometimes let a step run on. Any other key
 * goes to `onKey` (stop waiting for checks), when given.
 */
function guardStepKeys(io: CommandIO, controller: AbortController, onKey?: () => void): () => void {
  const stdin = io.stdin;
  if (!stdin.isTTY || !stdin.setRawMode) return () => {};
  stdin.setRawMode(true);
  const onData = (data: Buffer | string) => {
    if (String(data).includes('\u0003')) controller.abort();
    else onKey?.();
  };
  stdin.on('data', onData);
  stdin.resume();
  return () => {
    stdin.off('data', onData);
    stdin.setRawMode?.(false);
    stdin.pause();
  };
}

/**
 * A step that waits for the keyboard reads the terminal itself: hero-journey stops reading it and
 * leaves it in cooked mode (echo, line editing, Ctrl-C as SIGINT, which stops the step as always).
 */
function handKeyboard(io: CommandIO): () => void {
  const stdin = io.stdin;
  stdin.setRawMode?.(false);
  stdin.pause();
  return () => {};
}

