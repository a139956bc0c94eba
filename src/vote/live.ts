// How play takes part in a live vote: as the presenter (--vote) or as an attendee following the
// room (--follow). Loaded only when one of those flags is given.
import type { CliOptions } from '../cli/parse.ts';
import type { CommandIO } from '../commands/io.ts';
import { ExitCode, UserError } from '../errors.ts';
import type { Journey } from '../journey/model.ts';
import type { PlayContext } from '../play/loop.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { followRoom } from './follow.ts';
import { startPresenter, type VoteEvent } from './room.ts';

export type { VoteEvent };

export interface LiveRoom {
  decideChoice: NonNullable<PlayContext['decideChoice']>;
  close(): Promise<void>;
}

/** Start the presenter's vote or the attendee's follower that the options ask for. */
export async function openLiveRoom(
  options: Pick<CliOptions, 'vote' | 'voteHost' | 'voteSeconds' | 'follow'>,
  context: {
    journey: Journey;
    progressFile: string;
    io: CommandIO;
    terminal: TerminalOptions;
    tty: boolean;
    write: (text: string) => void;
    writeRaw: (text: string) => void;
    emit?: (event: VoteEvent) => void;
    signal: AbortSignal;
    dryRun: boolean;
  },
): Promise<LiveRoom | undefined> {
  if (options.follow !== undefined) {
    const decide = followRoom({ url: options.follow, terminal: context.terminal, tty: context.tty, write: context.write, writeRaw: context.writeRaw, signal: context.signal });
    return { decideChoice: decide, close: async () => {} };
  }
  if (options.vote === undefined) return undefined;
  const keys = context.io.stdin.isTTY && context.io.stdin.setRawMode ? context.io.stdin : undefined;
  if (!keys && options.voteSeconds === undefined) {
    throw new UserError('--vote without a terminal needs --vote-seconds N: nobody is there to press Enter and close a vote', {
      hint: 'for example: hero-journey --vote --vote-seconds 60 --json',
      exitCode: ExitCode.usage,
    });
  }
  let presenter;
  try {
    presenter = await startPresenter({
      port: options.vote,
      host: options.voteHost ?? '127.0.0.1',
      ...(options.voteSeconds !== undefined ? { seconds: options.voteSeconds } : {}),
      journey: { id: context.journey.id, title: context.journey.title },
      ...(keys ? { keys } : {}),
      terminal: context.terminal,
      tty: context.tty,
      write: context.write,
      writeRaw: context.writeRaw,
      ...(context.emit ? { emit: context.emit } : {}),
      ...(context.dryRun ? {} : { pathFile: roomPathFile(context.progressFile) }),
      signal: context.signal,
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
      throw new UserError(`cannot start the vote on ${options.voteHost ?? '127.0.0.1'}:${options.vote}: ${code === 'EADDRINUSE' ? 'the port is in use' : code === 'EACCES' ? 'not allowed to use that port' : 'this machine has no such address'}`, {
        hint: 'pick another port (--vote 0 takes a free one) or another --vote-host',
        exitCode: ExitCode.usage,
      });
    }
    throw error;
  }
  return { decideChoice: presenter.decide, close: () => presenter.close() };
}

/** The room's path file, beside the presenter's progress. */
export function roomPathFile(progressFile: string): string {
  return `${progressFile.replace(/\.json$/, '')}.room.json`;
}
