// Running a chapter's checks for a person: decide about untrusted modules, show the countdown
// while waiting, print each outcome. Used by the play loop (before the learner may go on) and by
// `hero-journey check`.
import { UserError } from '../errors.ts';
import type { Chapter, Journey } from '../journey/model.ts';
import type { KubeSelection } from '../kube/kubeconfig.ts';
import type { Asker } from '../prompts.ts';
import { renderCallout, renderStatusLine } from '../render/chapter.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { createWaitDisplay } from './display.ts';
import { prepareChecks, runChecks, type CheckOutcome } from './engine.ts';
import { guardModuleGraph } from './graph.ts';
import { isBundledJourney, loadCheckModule } from './modules.ts';
import { allPassed, renderOutcome, summarize } from './report.ts';
import { fingerprintModules, isRemembered, remember, trustGranted } from './trust.ts';

/** What running a chapter's checks needs from its caller (the play loop's context fits). */
export interface ChapterCheckRun {
  journey: Journey;
  vars: Record<string, string>;
  choices: Record<string, string>;
  /** Which cluster: kubeconfig/context flags and the environment to read KUBECONFIG from. */
  kube: KubeSelection;
  /** Environment for `ctx.exec` (kubeconfig, context, journey variables over the process's). */
  execEnv: Record<string, string | undefined>;
  cwd: string;
  terminal: TerminalOptions;
  tty: boolean;
  /** Writes text as is (the countdown redraws its line). */
  writeRaw: (text: string) => void;
  /** Asks before running untrusted modules; undefined or not interactive: refuse unless trusted. */
  asker?: Asker;
  /** Retry failing checks until their timeout. */
  wait: boolean;
  /** Print passes and failures (false for --json). */
  print: boolean;
  signal?: AbortSignal;
  /** Aborts when the learner stops waiting (a key): failing checks end as they are. */
  stopWaiting?: AbortSignal;
  /** A line shown once when a check starts to wait on a terminal (the keys the learner may press). */
  keyHint?: string;
}

/** The outcomes of one chapter's checks. */
export interface ChapterCheckResult {
  outcomes: CheckOutcome[];
  passed: boolean;
  /** "3 checks: 2 passed, 1 failed". */
  summary: string;
}

/** Run a chapter's checks and print what happened. */
export async function checkChapter(chapter: Chapter, run: ChapterCheckRun): Promise<ChapterCheckResult> {
  const prepared = prepareChecks(chapter.checks, run);
  const moduleIds = [...new Set(prepared.flatMap((c) => (c.type === 'use' && !c.settled ? [c.moduleId] : [])))];
  const refusal = moduleIds.length > 0 ? await decideTrust(run, chapter, moduleIds) : undefined;
  const display = run.print && run.wait
    ? createWaitDisplay({ write: run.writeRaw, tty: run.tty, width: run.terminal.width, unicode: run.terminal.unicode, ...(run.keyHint ? { keyHint: run.keyHint } : {}) })
    : undefined;
  const signals = [run.signal, run.stopWaiting].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  let outcomes: CheckOutcome[];
  try {
    outcomes = await runChecks(
      prepared,
      {
        vars: run.vars,
        choices: run.choices,
        connect: async () => (await import('../kube/client.ts')).connectKube(run.kube),
        loadModule: async (id) => {
          if (refusal) throw refusal;
          return loadCheckModule(run.journey.dir, id);
        },
        execEnv: run.execEnv,
        cwd: run.cwd,
        width: Math.max(40, run.terminal.width - 6),
      },
      {
        wait: run.wait,
        ...(signal ? { signal } : {}),
        ...(display ? { onProgress: (state) => display.update(state) } : {}),
      },
    );
  } finally {
    display?.stop();
  }
  if (run.print) for (const outcome of outcomes) run.writeRaw(renderOutcome(outcome, run.terminal));
  return { outcomes, passed: allPassed(outcomes), summary: summarize(outcomes) };
}

/**
 * Modules of a journey we did not ship run only with the learner's consent. Returns the error the
 * refused checks report, or undefined when they may run. Throws a UserError when nobody can be asked.
 */
async function decideTrust(run: ChapterCheckRun, chapter: Chapter, moduleIds: string[]): Promise<UserError | undefined> {
  const env = run.kube.env;
  if (isBundledJourney(run.journey.dir)) return undefined;
  const { files, digest, problems, graph } = await fingerprintModules(run.journey);
  // Whatever the consent: a module that leaves the journey folder or imports a package never loads.
  if (problems.length > 0) {
    return new UserError(`hero-journey does not load this journey's check modules: ${problems.join('; ')}`, {
      hint: 'check modules run only from files inside the journey folder, importing Node built-ins, hero-journey/check and each other',
    });
  }
  // What the learner agreed to is pinned: a file that changes before it loads is refused.
  const agreed = () => {
    guardModuleGraph(graph, { agreed: true });
    return undefined;
  };
  if (trustGranted(env) || (await isRemembered(run.journey.dir, digest, env))) return agreed();
  const listed = files.map((f) => `  ${f}`).join('\n');
  if (!run.asker?.interactive) {
    throw new UserError(
      `chapter "${chapter.title}" checks its work with code from the journey (${moduleIds.join(', ')}), and hero-journey never runs a journey's code without your consent. It would load:\n${listed}`,
      { hint: `read these files in ${run.journey.dir}, then pass --trust (or set HERO_JOURNEY_TRUST_CHECKS=1) to run them` },
    );
  }
  run.writeRaw(
    renderCallout(
      'warning',
      'This journey wants to run code',
      `"${run.journey.title}" is not the journey that ships with hero-journey. Its checks are programs in ${run.journey.dir}; these files load (links resolved, imports included):\n\n${listed}\n\nThey run on your computer with your kubeconfig. hero-journey lets them only read the cluster, but a program can do anything you can. Run them only if you trust where this journey comes from.`,
      run.terminal,
    ),
  );
  const yes = await run.asker.confirm('Run the check modules of this journey? (asked again if they change)', false);
  if (yes) {
    await remember(run.journey.dir, digest, env);
    return agreed();
  }
  return new UserError('not run: you chose not to run this journey\'s check modules', {
    hint: 'read them and answer yes next time (or pass --trust), or skip the check',
  });
}

/**
 * Get ready for a chapter's checks while the learner reads it and runs its steps: loading the
 * Kubernetes client takes most of a second, so start it early. A no-op for chapters without checks.
 */
export function prepareForChecks(chapter: Chapter): void {
  if (chapter.checks.length === 0) return;
  void import('../kube/client.ts').then((m) => m.preloadKubeClient(), () => {});
}

/** The hints and details of failed checks, for "show the hint" in play. */
export function helpText(outcomes: CheckOutcome[]): string {
  const failing = outcomes.filter((o) => o.status === 'failed' || o.status === 'broken');
  const parts = failing.map((o) => {
    const lines = [`${o.title}`, `  ${o.reason}`];
    if (o.details) lines.push(...o.details.split('\n').map((l) => `  ${l}`));
    lines.push(o.hint ? `  Try: ${o.hint.replace(/\n/g, '\n       ')}` : '  (no hint for this check)');
    lines.push(`  Written at ${o.loc.file}:${o.loc.line}${o.file ? `, module ${o.file}` : ''}`);
    return lines.join('\n');
  });
  return parts.join('\n\n');
}

/** A status line that says checks are about to run. */
export function checkingNotice(chapter: Chapter, terminal: TerminalOptions): string {
  const n = chapter.checks.length;
  return renderStatusLine('info', `Checking that "${chapter.title}" worked (${n} check${n === 1 ? '' : 's'})`, terminal);
}
