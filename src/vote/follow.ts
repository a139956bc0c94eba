// An attendee's play following the room: at a choice point the room already decided, take its
// choice; otherwise wait for the presenter's vote on it (showing the live counts) and take the
// winner. Everything the presenter's server sends is checked and bounded; an unreachable presenter
// is said so, and the attendee chooses themselves.
import { PromptInterrupted } from '../errors.ts';
import type { Chapter } from '../journey/model.ts';
import type { ChoiceDecision } from '../play/loop.ts';
import type { PromptOption } from '../prompts.ts';
import { renderStatusLine } from '../render/chapter.ts';
import type { TerminalOptions } from '../render/terminal.ts';
import { terminalLabel } from './board.ts';
import type { DecidedBy, PollView } from './poll.ts';
import type { RoomDecision, RoomPath } from './server.ts';

const MAX_RESPONSE = 1024 * 1024;
const DECIDED_BY: readonly DecidedBy[] = ['audience', 'tie-break', 'presenter'];

export interface FollowerOptions {
  /** The presenter's address (the join URL works too). */
  url: string;
  terminal: TerminalOptions;
  tty: boolean;
  write: (text: string) => void;
  writeRaw: (text: string) => void;
  signal: AbortSignal;
  /** How long one request to the presenter may take (default 5 s). */
  timeoutMs?: number;
}

/** The presenter's base address from what the attendee typed: `http://host:port/`. */
export function presenterBase(url: string): string {
  const parsed = new URL(url);
  return `${parsed.protocol}//${parsed.host}/`;
}

/** A play decider that takes the room's choices from the presenter at `options.url`. */
export function followRoom(options: FollowerOptions) {
  const base = presenterBase(options.url);
  const timeoutMs = options.timeoutMs ?? 5000;
  /** Polls already taken, per choice point: coming back after a dead end waits for a new vote. */
  const used = new Map<string, Set<number>>();
  const unreachable = (why: string) => {
    options.write(renderStatusLine('failed', `The presenter at ${base} does not answer (${why}): choose yourself this time.`, options.terminal));
    return undefined;
  };

  return async (chapter: Chapter, choiceOptions: Array<PromptOption<string> & { disabled: string | false }>): Promise<ChoiceDecision | undefined> => {
    const taken = used.get(chapter.id) ?? new Set<number>();
    used.set(chapter.id, taken);
    const take = (d: RoomDecision): ChoiceDecision | undefined => {
      taken.add(d.poll);
      const option = choiceOptions.find((o) => o.value === d.choice);
      const label = option?.name ?? d.choice;
      if (!option || option.disabled) {
        options.write(renderStatusLine('info', `${chapter.title}: the room chose ${terminalLabel(label, 60, options.terminal.unicode)}, which is not open on your path${option?.disabled ? ` (${option.disabled})` : ''}: choose yourself.`, options.terminal));
        return undefined;
      }
      options.write(renderStatusLine('done', `${chapter.title}: the room chose ${terminalLabel(label, 60, options.terminal.unicode)} (${d.votes[d.choice] ?? 0} of ${d.total} votes)`, options.terminal));
      return { choice: d.choice, source: 'room', audience: { votes: d.votes, total: d.total, decidedBy: d.decidedBy } };
    };
    const decided = async () => readPath(JSON.parse(await fetchText(`${base}path`, timeoutMs, options.signal))).decisions.find((d) => d.chapter === chapter.id && !taken.has(d.poll));
    let earlier: RoomDecision | undefined;
    try {
      earlier = await decided();
    } catch (error) {
      if (options.signal.aborted) throw new PromptInterrupted();
      return unreachable(reason(error));
    }
    if (earlier) return take(earlier);

    options.write(renderStatusLine('info', `${chapter.title}: waiting for the room's vote (the presenter opens it when they get here).`, options.terminal));
    try {
      const decision = await waitForDecision(chapter.id, taken, base, options, decided);
      if (options.tty) options.writeRaw('\n');
      return take(decision);
    } catch (error) {
      if (options.signal.aborted) throw new PromptInterrupted();
      if (options.tty) options.writeRaw('\n');
      return unreachable(reason(error));
    }
  };
}

/** Follow the presenter's event stream until the vote on `chapter` closes; the live counts on one line meanwhile. */
async function waitForDecision(chapter: string, taken: Set<number>, base: string, options: FollowerOptions, decided: () => Promise<RoomDecision | undefined>): Promise<RoomDecision> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal.addEventListener('abort', onAbort);
  try {
    const response = await fetch(`${base}events`, { signal: controller.signal, headers: { accept: 'text/event-stream' } });
    if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
    const decoder = new TextDecoder();
    let buffer = '';
    let first = true;
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      if (buffer.length > MAX_RESPONSE) throw new Error('the presenter sent an event too large to be one');
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trimStart())
          .join('\n');
        if (!data) continue;
        const view = readView(JSON.parse(data));
        if (!view) continue;
        if (view.chapter !== chapter) {
          // The room may have voted on this chapter between the look at its path and this stream.
          if (view.state !== 'open' || first) {
            const found = await decided();
            if (found) return found;
          }
          first = false;
          continue;
        }
        first = false;
        if (taken.has(view.poll)) continue;
        if (view.state === 'closed' && view.winner !== undefined) {
          return { chapter, choice: view.winner, poll: view.poll, votes: Object.fromEntries(view.options.map((o) => [o.id, o.votes])), total: view.total, decidedBy: view.decidedBy ?? 'audience', at: view.now };
        }
        if (view.state === 'open' && options.tty) {
          const counts = view.options.filter((o) => !o.disabled).map((o) => `${terminalLabel(o.label, 20, options.terminal.unicode)} ${o.votes}`).join(' · ');
          options.writeRaw(`\r\u001b[K${terminalLabel(`the room votes: ${counts} (${view.total} votes)`, options.terminal.width - 1, options.terminal.unicode)}`);
        }
      }
    }
    throw new Error('the presenter closed the connection');
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    controller.abort();
  }
}

/** GET a URL as text, bounded in time and size. */
export async function fetchText(url: string, timeoutMs: number, signal: AbortSignal): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) });
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    if (text.length > MAX_RESPONSE) {
      await response.body?.cancel().catch(() => {});
      throw new Error('the answer is too large');
    }
  }
  return text + decoder.decode();
}

function reason(error: unknown): string {
  const inner = (error as { cause?: { code?: string; errors?: Array<{ code?: string }> } })?.cause;
  const cause = inner?.code ?? inner?.errors?.[0]?.code;
  if (cause) return cause === 'ECONNREFUSED' ? 'connection refused' : cause;
  if (error instanceof Error && error.name === 'TimeoutError') return 'no answer in time';
  return error instanceof Error ? error.message : String(error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Votes per option from the network: whole, non-negative numbers only. */
function readVotes(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, number> = {};
  for (const [id, n] of Object.entries(value)) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) return undefined;
    out[id] = n;
  }
  return out;
}

/** The room's path as the presenter's server (or a path file) gives it; entries that do not fit are left out. */
export function readPath(data: unknown): RoomPath {
  if (!isRecord(data) || !Array.isArray(data.decisions)) throw new Error('this is not a room path (no "decisions" list)');
  const decisions: RoomDecision[] = [];
  for (const d of data.decisions.slice(0, 10_000)) {
    if (!isRecord(d) || typeof d.chapter !== 'string' || typeof d.choice !== 'string' || typeof d.poll !== 'number') continue;
    const votes = readVotes(d.votes) ?? {};
    const total = typeof d.total === 'number' && Number.isSafeInteger(d.total) && d.total >= 0 ? d.total : 0;
    const decidedBy = DECIDED_BY.find((b) => b === d.decidedBy) ?? 'audience';
    decisions.push({ chapter: d.chapter, choice: d.choice, poll: d.poll, votes, total, decidedBy, at: typeof d.at === 'string' ? d.at : '' });
  }
  return { journey: typeof data.journey === 'string' ? data.journey : '', title: typeof data.title === 'string' ? data.title : '', decisions };
}

/** A poll view from the network, or undefined when it does not have the contract's shape. */
function readView(data: unknown): PollView | undefined {
  if (!isRecord(data) || typeof data.poll !== 'number' || !['open', 'closed', 'idle'].includes(String(data.state)) || !Array.isArray(data.options)) return undefined;
  const options = data.options.slice(0, 100).flatMap((o) =>
    isRecord(o) && typeof o.id === 'string' && typeof o.label === 'string' && typeof o.votes === 'number' && Number.isSafeInteger(o.votes) && o.votes >= 0
      ? [{ id: o.id, label: o.label, votes: o.votes, disabled: o.disabled === true }]
      : [],
  );
  return {
    state: data.state as PollView['state'],
    poll: data.poll,
    chapter: typeof data.chapter === 'string' ? data.chapter : null,
    title: typeof data.title === 'string' ? data.title : null,
    options,
    total: typeof data.total === 'number' && Number.isSafeInteger(data.total) && data.total >= 0 ? data.total : 0,
    now: typeof data.now === 'string' ? data.now : '',
    ...(typeof data.winner === 'string' ? { winner: data.winner } : {}),
    ...(DECIDED_BY.includes(data.decidedBy as DecidedBy) ? { decidedBy: data.decidedBy as DecidedBy } : {}),
  };
}
