// The state of the room's polls: one poll at a time, one vote per voter, counts kept by the
// server itself (never taken from what a voter sends). Pure: no I/O, the clock is passed in.

/** One option of a choice point, as the audience sees it. */
export interface PollOption {
  id: string;
  label: string;
  summary?: string;
  disabled: boolean;
  because?: string;
}

/** What opens a poll: a choice point of the journey. */
export interface PollQuestion {
  chapter: string;
  title: string;
  summary?: string;
  options: PollOption[];
}

/** How a closed poll was decided. */
export type DecidedBy = 'audience' | 'tie-break' | 'presenter';

/** `GET /poll`, and every server-sent event: the contract other clients rely on. */
export interface PollView {
  state: 'open' | 'closed' | 'idle';
  /** Counts up with every poll the room opens. */
  poll: number;
  chapter: string | null;
  title: string | null;
  summary?: string;
  options: Array<PollOption & { votes: number }>;
  total: number;
  closesAt?: string;
  /** The server's clock when this view was made (pages count down from it). */
  now: string;
  winner?: string;
  decidedBy?: DecidedBy;
}

/** Why a vote was refused; `status` is the HTTP status to answer with. */
export class VoteRefused extends Error {
  override readonly name = 'VoteRefused';
  readonly status: number;
  constructor(message: string, status = 409) {
    super(message);
    this.status = status;
  }
}

/** A room holds more voters than this per poll: enough for any hall, bounded against floods. */
export const MAX_VOTERS_PER_POLL = 50_000;

/** The room's current poll and its votes. */
export class PollBox {
  private question: PollQuestion | undefined;
  private state: PollView['state'] = 'idle';
  private seq = 0;
  private readonly ballots = new Map<string, string>();
  private readonly counts = new Map<string, number>();
  private closesAt: number | undefined;
  private winner: string | undefined;
  private decidedBy: DecidedBy | undefined;

  /** Open a new poll (the previous one, if any, is over). */
  open(question: PollQuestion, closesAt?: number): number {
    this.question = question;
    this.state = 'open';
    this.seq += 1;
    this.ballots.clear();
    this.counts.clear();
    for (const option of question.options) this.counts.set(option.id, 0);
    this.closesAt = closesAt;
    this.winner = undefined;
    this.decidedBy = undefined;
    return this.seq;
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  get pollNumber(): number {
    return this.seq;
  }

  get deadline(): number | undefined {
    return this.state === 'open' ? this.closesAt : undefined;
  }

  /** Move the deadline (extend); undefined leaves the poll open until it is closed. */
  setDeadline(closesAt: number | undefined): void {
    if (this.state === 'open') this.closesAt = closesAt;
  }

  /** Record `voter`'s vote for `optionId` (voting again changes it). Returns the option voted for. */
  vote(voter: string, optionId: string, pollNumber?: number): PollOption {
    if (this.state !== 'open' || !this.question) throw new VoteRefused(this.state === 'idle' ? 'no vote is open yet: wait for the next choice' : 'this vote is closed: wait for the next one', 409);
    if (pollNumber !== undefined && pollNumber !== this.seq) throw new VoteRefused('that vote is closed: the page shows the current one now', 409);
    const option = this.question.options.find((o) => o.id === optionId);
    if (!option) throw new VoteRefused(`there is no option "${printable(optionId)}" in this vote`, 400);
    if (option.disabled) throw new VoteRefused(`"${option.label}" cannot be chosen here${option.because ? `: ${option.because}` : ''}`, 422);
    const before = this.ballots.get(voter);
    if (before === optionId) return option;
    if (before === undefined && this.ballots.size >= MAX_VOTERS_PER_POLL) throw new VoteRefused('this vote is full', 503);
    if (before !== undefined) this.counts.set(before, Math.max(0, (this.counts.get(before) ?? 0) - 1));
    this.ballots.set(voter, optionId);
    this.counts.set(optionId, (this.counts.get(optionId) ?? 0) + 1);
    return option;
  }

  /** The option `voter` voted for in the current poll. */
  ballotOf(voter: string | undefined): string | undefined {
    return voter === undefined ? undefined : this.ballots.get(voter);
  }

  /** Enabled options with the most votes, in the chapter's order (more than one: a tie). */
  leaders(): string[] {
    const enabled = (this.question?.options ?? []).filter((o) => !o.disabled);
    const top = Math.max(0, ...enabled.map((o) => this.counts.get(o.id) ?? 0));
    return enabled.filter((o) => (this.counts.get(o.id) ?? 0) === top).map((o) => o.id);
  }

  /** Close the poll with its winner. */
  close(winner: string, decidedBy: DecidedBy): void {
    this.state = 'closed';
    this.winner = winner;
    this.decidedBy = decidedBy;
    this.closesAt = undefined;
  }

  /** Votes per option id and the number of votes cast. */
  tally(): { votes: Record<string, number>; total: number } {
    return { votes: Object.fromEntries(this.counts), total: this.ballots.size };
  }

  view(now: number): PollView {
    const q = this.question;
    return {
      state: this.state,
      poll: this.seq,
      chapter: q?.chapter ?? null,
      title: q?.title ?? null,
      ...(q?.summary ? { summary: q.summary } : {}),
      options: (q?.options ?? []).map((o) => ({ ...o, votes: this.counts.get(o.id) ?? 0 })),
      total: this.ballots.size,
      ...(this.state === 'open' && this.closesAt !== undefined ? { closesAt: new Date(this.closesAt).toISOString() } : {}),
      now: new Date(now).toISOString(),
      ...(this.winner !== undefined ? { winner: this.winner } : {}),
      ...(this.decidedBy ? { decidedBy: this.decidedBy } : {}),
    };
  }
}

/** A value a voter sent, safe to quote in a message: printable, short. */
export function printable(value: string, max = 40): string {
  const clean = value.replace(/[^\p{L}\p{N}\p{P}\p{Zs}]/gu, '?');
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
