import type { CliOptions } from '../cli/parse.ts';
import { checkChapter } from '../checks/gate.ts';
import { outcomeJson } from '../checks/report.ts';
import { dict } from '../dict.ts';
import { ExitCode } from '../errors.ts';
import { conditionContext } from '../journey/expressions.ts';
import { kubeEnvironment } from '../kube/env.ts';
import { chapterKubeEnvironment, missingChapterKubeconfig } from '../play/chapter-cluster.ts';
import { resolveKubeconfig } from '../kube/kubeconfig.ts';
import { interactiveAsker } from '../prompts.ts';
import { renderStatusLine } from '../render/chapter.ts';
import { choiceValues, variableValues } from '../state/progress.ts';
import { stepVariables } from '../state/variables.ts';
import { presetAnswers } from './answers.ts';
import type { CommandIO } from './io.ts';
import { findChapter, kubeSelection, openSession } from './session.ts';
import { terminalFor } from './terminal.ts';

/** `hero-journey check [chapter]`: run a chapter's checks; 0 when they all pass, 1 otherwise. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const session = await openSession({ ...options, dryRun: true }, io);
  const { journey, progress } = session;
  const chapter = findChapter(journey, options.args[0] ?? progress.current ?? journey.start, io.cwd, 'check');
  // --choose/--set/--answers check the chapter for a path other than the saved one (such as a path not taken yet).
  const answers = await presetAnswers(options, io.cwd, journey);
  const terminal = terminalFor(options, io);
  const write = (text: string) => void io.stdout.write(text);
  if (chapter.checks.length === 0) {
    if (options.json) write(`${JSON.stringify({ chapter: chapterJson(chapter), passed: true, summary: 'no checks', checks: [] }, null, 2)}\n`);
    else write(renderStatusLine('info', `"${chapter.title}" has no checks: there is nothing to prove.`, terminal));
    return ExitCode.ok;
  }

  const vars = dict(journey.vars, variableValues(progress), answers.inputs);
  // A chapter that names its cluster's kubeconfig (a second cluster in the workspace) is checked there.
  const cluster = chapterKubeEnvironment(chapter, vars, session.workspace);
  const kube = cluster.KUBECONFIG ? { kubeconfig: cluster.KUBECONFIG, env: io.env, cwd: io.cwd, missingHint: missingChapterKubeconfig(chapter) } : kubeSelection(options, io);
  const stepEnv = await kubeEnvironment({ ...kube, scratchDir: `${session.progressFile.replace(/\.json$/, '')}.d` });
  if (!options.json) {
    const where = await resolveKubeconfig(kube).then(
      (k) => ` against context "${k.context}" (${k.server})`,
      () => '',
    );
    write(renderStatusLine('info', `Checking "${chapter.title}" [${chapter.id}]${where}${options.wait ? ', waiting up to each check\'s timeout' : ''}`, terminal));
  }

  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.on('SIGINT', onSignal);
  try {
    const interactive = !options.json && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
    const result = await checkChapter(chapter, {
      journey,
      vars,
      choices: conditionContext(journey, dict(choiceValues(progress), answers.choices), vars).choices,
      kube,
      execEnv: { ...io.env, ...stepVariables(vars), ...stepEnv },
      cwd: session.workspace,
      terminal,
      tty: Boolean(io.stdout.isTTY),
      writeRaw: write,
      ...(interactive ? { asker: interactiveAsker(io, undefined, terminal) } : {}),
      wait: options.wait,
      print: !options.json,
      signal: controller.signal,
    });
    if (options.json) {
      write(`${JSON.stringify({ chapter: chapterJson(chapter), passed: result.passed, summary: result.summary, checks: result.outcomes.map(outcomeJson) }, null, 2)}\n`);
    } else {
      write(renderStatusLine(result.passed ? 'done' : 'failed', result.summary, terminal));
    }
    if (controller.signal.aborted) return ExitCode.interrupted;
    return result.passed ? ExitCode.ok : ExitCode.failure;
  } finally {
    process.off('SIGINT', onSignal);
  }
}

function chapterJson(chapter: { id: string; title: string; file: string }): Record<string, string> {
  return { id: chapter.id, title: chapter.title, file: chapter.file };
}
