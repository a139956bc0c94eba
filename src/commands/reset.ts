import type { CliOptions } from '../cli/parse.ts';
import { ExitCode, UserError } from '../errors.ts';
import { interactiveAsker } from '../prompts.ts';
import { deleteProgress, markReset } from '../state/store.ts';
import type { CommandIO } from './io.ts';
import { openSession } from './session.ts';
import { commandLine } from '../cli/invocation.ts';

/** `hero-journey reset`: forget this workspace's progress, after asking. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  // Locked like play: forgetting progress while a play runs would be undone by its next save.
  const session = await openSession({ ...options, dryRun: false, lock: true }, io);
  if (session.fresh) {
    io.stdout.write(`Nothing to reset: no progress saved for ${session.journey.title} in ${session.workspace}.\n`);
    return 0;
  }
  if (!options.yes) {
    if (!io.stdin.isTTY || !io.stdout.isTTY) {
      throw new UserError('reset forgets all progress and needs a yes', { hint: 'run it in a terminal, or pass --yes', exitCode: ExitCode.usage });
    }
    const sure = await interactiveAsker(io).confirm(`Forget all progress of "${session.journey.title}" in ${session.workspace}?`, false);
    if (!sure) {
      io.stdout.write('Nothing changed.\n');
      return 0;
    }
  }
  await deleteProgress(session.progressFile);
  await markReset(session.progressFile);
  io.stdout.write(`Progress forgotten. Run ${commandLine()} to start from the beginning. (Your cluster and files are untouched.)\n`);
  return 0;
}
