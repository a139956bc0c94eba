import type { CliOptions } from '../cli/parse.ts';
import { UserError } from '../errors.ts';
import { undoLastChoice } from '../state/progress.ts';
import type { CommandIO } from './io.ts';
import { openSession } from './session.ts';
import { commandLine } from '../cli/invocation.ts';

/** `hero-journey back`: undo the last choice and return to its choice point. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const session = await openSession({ ...options, lock: true }, io);
  const choicePoint = undoLastChoice(session.progress);
  if (!choicePoint) {
    throw new UserError('there is no choice to undo yet', { hint: `run "${commandLine()}" to play; "${commandLine('reset')}" starts over` });
  }
  await session.save();
  const title = session.journey.chapters.get(choicePoint)?.title ?? choicePoint;
  io.stdout.write(`Back at "${title}": run ${commandLine()} to choose again.\n`);
  return 0;
}
