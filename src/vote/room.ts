// The presenter's side of a live vote: at each choice point with two or more options to take, a
// poll opens instead of the menu. The terminal shows the join URL, a QR code, live bars and the
// time left; keys close the poll, extend it or overrule the audience. The room's path (every
// decision) is kept in a file beside the progress, for followers and for the instructor's verify.
import { PromptInterrupted } from '../errors.ts';
import type { Chapter } from '../journey/model.ts';
import type { ChoiceDecision } from '../play/loop.ts';
import type { PromptOption } from '../prompts.ts';
import { renderStatusLine } from '../render/chapter.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { describeAudience } from '../state/progress.ts';
import { writeFileAtomic } from '../state/store.ts';
import { renderBoard, terminalLabel, terminalQr } from './board.ts';
import type { DecidedBy, PollView } from './poll.ts';
import { startVoteServer, type VoteServer } from './server.ts';

/** What `play --vote --json` adds to its events. */
export type VoteEvent =
  | { event: 'poll-open'; chapter: string; poll: number; url: string; screen: string; options: Array<{ id: string; label: string; disabled: boolean; because?: string }>; closesAt?: string }
  | { event: 'poll-update'; chapter: string; poll: number; votes: Record<string, number>; total: number }
  | { event: 'poll-closed'; chapter: string; poll: number; winner: string; votes: Record<string, number>; total: number; decidedBy: DecidedBy };

export interface PresenterOptions {
  port: number;
  host: string;
  /** Each poll closes after this many seconds; undefined: when the presenter presses Enter. */
  seconds?: number;
  journey: { id: string; title: string };
  /** The keyboard, when there is a terminal to read keys from. */
  keys?: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
  terminal: TerminalOptions;
  /** Pages go to a terminal: redraw the board in place. */
  tty: boolean;
  write: (text: string) => void;
  writeRaw: (text: string) => void;
  emit?: (event: VoteEvent) => void;
  /** Where the room's path is written after every decision; undefined: nowhere (a dry run saves nothing). */
  pathFile?: string;
  signal: AbortSignal;
  now?: () => number;
}

export interface Presenter {
  server: VoteServer;
  decide(chapter: Chapter, options: Array<PromptOption<string> & { disabled: string | false }>): Promise<ChoiceDecision | undefined>;
  close(): Promise<void>;
}

/** Start the vote server and return the play loop's decider for choice points. */
export async function startPresenter(options: PresenterOptions): Promise<Presenter> {
  const now = options.now ?? Date.now;
  const server = await startVoteServer({ port: options.port, host: options.host, journey: options.journey, now });
  const extendSeconds = options.seconds ?? 30;
  const keys = options.keys?.isTTY && options.keys.setRawMode ? options.keys : undefined;
  const { terminal, write } = options;
  write(renderStatusLine('info', `Live vote: the audience joins at ${server.url} (projector page: ${server.screenUrl})`, terminal));
  const where = options.pathFile ? `kept in ${options.pathFile} and served` : 'served (a dry run writes no file)';
  write(renderStatusLine('info', `The room's path is ${where} at ${server.base}path (hero-journey verify --path; followers: hero-journey play --follow ${server.base})`, terminal));

  const decide: Presenter['decide'] = async (chapter, choiceOptions) => {
    const enabled = choiceOptions.filter((o) => !o.disabled);
    if (enabled.length < 2) return undefined;
    const closesAt = options.seconds !== undefined ? now() + options.seconds * 1000 : undefined;
    const poll = server.open(
      {
        chapter: chapter.id,
        title: chapter.title,
        ...(chapter.summary ? { summary: chapter.summary } : {}),
        options: choiceOptions.map((o) => ({ id: o.value, label: o.name, ...(o.description ? { summary: o.description } : {}), disabled: Boolean(o.disabled), ...(o.disabled ? { because: o.disabled } : {}) })),
      },
      closesAt,
    );
    const opened = server.view();
    options.emit?.({
      event: 'poll-open',
      chapter: chapter.id,
      poll,
      url: server.url,
      screen: server.screenUrl,
      options: opened.options.map((o) => ({ id: o.id, label: o.label, disabled: o.disabled, ...(o.because ? { because: o.because } : {}) })),
      ...(opened.closesAt ? { closesAt: opened.closesAt } : {}),
    });
    write(`\n${terminalLabel(`Live vote: ${chapter.title}`, terminal.width - 1, terminal.unicode)}`);
    write(`Join: ${server.url}`);
    if (options.tty && terminal.unicode) write(terminalQr(server.url, terminal));

    const { winner, decidedBy } = await runPoll(chapter, enabled.map((o) => o.value));
    const decision = server.decide(winner, decidedBy);
    if (options.pathFile) await writeFileAtomic(options.pathFile, `${JSON.stringify(server.path(), null, 2)}\n`);
    options.emit?.({ event: 'poll-closed', chapter: chapter.id, poll, winner, votes: decision.votes, total: decision.total, decidedBy });
    const label = choiceOptions.find((o) => o.value === winner)?.name ?? winner;
    write(renderStatusLine('done', `${chapter.title}: ${terminalLabel(label, 60, terminal.unicode)} (${describeAudience({ choice: winner, at: decision.at, audience: { votes: decision.votes, total: decision.total, decidedBy } })})`, terminal));
    return { choice: winner, source: 'audience', audience: { votes: decision.votes, total: decision.total, decidedBy } };
  };

  /** Wait for the poll to end: its time is up, or the presenter closed, extended or overruled it. */
  const runPoll = (chapter: Chapter, enabled: string[]): Promise<{ winner: string; decidedBy: DecidedBy }> =>
    new Promise((resolve, reject) => {
      let drawn = 0;
      let shown = '';
      let tie: string[] | undefined;
      let over = false;
      const draw = (final = false) => {
        // Once the poll is over the board is drawn one last time, and never again below later output.
        if (!options.tty || (over && !final)) return;
        const view = server.view();
        const deadline = server.box.deadline;
        const lines = renderBoard(view, {
          terminal,
          keys: Boolean(keys) && !final,
          extendSeconds,
          ...(deadline !== undefined && !final ? { secondsLeft: (deadline - now()) / 1000 } : {}),
          ...(tie && !final ? { tie } : {}),
        });
        const text = `${lines.join('\n')}\n`;
        // A terminal that reads slowly blocks the writer: write only what changed.
        if (text === shown && !final) return;
        options.writeRaw(`${drawn > 0 ? `\u001b[${drawn}F\u001b[J` : ''}${text}`);
        drawn = lines.length;
        shown = text;
      };
      // Votes show on the board with the ticker (4 times a second at most), keys at once.
      const stopListening = server.onChange((view: PollView) => {
        if (view.state !== 'open') return;
        options.emit?.({ event: 'poll-update', chapter: chapter.id, poll: view.poll, votes: Object.fromEntries(view.options.map((o) => [o.id, o.votes])), total: view.total });
      });
      const ticker = setInterval(() => {
        const deadline = server.box.deadline;
        if (deadline !== undefined && now() >= deadline && !tie) closeNow();
        else draw();
      }, 250);
      const finish = (winner: string, decidedBy: DecidedBy) => {
        cleanup();
        over = true;
        draw(true);
        resolve({ winner, decidedBy });
      };
      const closeNow = () => {
        const leaders = server.box.leaders();
        if (leaders.length === 1) return finish(leaders[0]!, 'audience');
        if (!keys) return finish(leaders[0] ?? enabled[0]!, 'tie-break');
        // A tie: the presenter picks among the tied options; the poll takes no more votes meanwhile.
        tie = leaders;
        server.setDeadline(undefined);
        draw();
      };
      const onKey = (data: Buffer | string) => {
        for (const key of String(data)) {
          if (key === '\u0003') {
            cleanup();
            over = true;
            reject(new PromptInterrupted());
            return;
          }
          const index = Number.parseInt(key, 10);
          if (Number.isInteger(index) && index >= 1 && index <= enabled.length) {
            const picked = enabled[index - 1]!;
            if (tie) {
              if (tie.includes(picked)) return finish(picked, 'tie-break');
              continue;
            }
            const leaders = server.box.leaders();
            return finish(picked, leaders.length === 1 && leaders[0] === picked ? 'audience' : 'presenter');
          }
          if (tie) continue;
          if (key === '\r' || key === '\n' || key === 'c') return closeNow();
          if (key === '+' || key === 'e') {
            server.setDeadline((server.box.deadline ?? now()) + extendSeconds * 1000);
            draw();
          }
        }
      };
      const onAbort = () => {
        cleanup();
        over = true;
        reject(new PromptInterrupted());
      };
      const cleanup = () => {
        clearInterval(ticker);
        stopListening();
        options.signal.removeEventListener('abort', onAbort);
        if (keys) {
          keys.off('data', onKey);
          keys.setRawMode?.(false);
          keys.pause();
        }
      };
      if (options.signal.aborted) return onAbort();
      options.signal.addEventListener('abort', onAbort);
      if (keys) {
        keys.setRawMode?.(true);
        keys.on('data', onKey);
        keys.resume();
      }
      draw();
    });

  return { server, decide, close: () => server.close() };
}
