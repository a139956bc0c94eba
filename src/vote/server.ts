// The live vote's web server: the voter page, the projector page, and the contract other clients
// use (GET /poll, POST /vote, GET /events, GET /path). It keeps the counts itself, writes no file,
// and treats everything a voter sends as hostile: sizes capped, votes rate-limited per address,
// Host headers checked (no DNS rebinding), pages under a strict Content-Security-Policy.
import { randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { networkInterfaces } from 'node:os';
import { closeServer, LOOPBACK_NAMES, listen, openEventStream, pageHeaders, requestHost } from '../web/http.ts';
import { errorPage, PAGE_CSP, screenPage, SCREEN_SCRIPT, STYLE, voterPage, VOTER_SCRIPT } from './pages.ts';
import { PollBox, VoteRefused, type DecidedBy, type PollQuestion, type PollView } from './poll.ts';

/** One decision of the room, as `GET /path` and the path file list them. */
export interface RoomDecision {
  chapter: string;
  choice: string;
  poll: number;
  votes: Record<string, number>;
  total: number;
  decidedBy: DecidedBy;
  at: string;
}

/** The room's path: every choice point decided so far, in order (`GET /path`, the path file). */
export interface RoomPath {
  journey: string;
  title: string;
  decisions: RoomDecision[];
}

export interface VoteServerOptions {
  port: number;
  /** Address to listen on (default 127.0.0.1; 0.0.0.0 for phones on the room's network). */
  host?: string;
  journey: { id: string; title: string };
  /** The join code (default: a random one). */
  code?: string;
  /** Votes one address may cast in a burst, and per second after it. */
  rate?: { burst: number; perSecond: number };
  /** Event streams one address may hold open. */
  streamsPerAddress?: number;
  /** Milliseconds to gather votes before telling every page (default 100). */
  batchMs?: number;
  now?: () => number;
}

export interface VoteServer {
  /** The join URL, with the code: `http://HOST:PORT/?code=...` */
  url: string;
  /** The projector page's URL. */
  screenUrl: string;
  /** Where the server listens: `http://HOST:PORT/`, without the code. */
  base: string;
  port: number;
  code: string;
  /** Open a poll for a choice point; `closesAt` in ms since the epoch. */
  open(question: PollQuestion, closesAt?: number): number;
  setDeadline(closesAt: number | undefined): void;
  /** Close the current poll with its winner, and add it to the room's path. */
  decide(winner: string, decidedBy: DecidedBy): RoomDecision;
  view(): PollView;
  box: PollBox;
  path(): RoomPath;
  /** Called (batched) whenever the poll changed: a vote, open, close, a new deadline. */
  onChange(listener: (view: PollView) => void): () => void;
  close(): Promise<void>;
}

const MAX_BODY = 4096;
const MAX_PENDING_PER_STREAM = 16 * 1024;
const MAX_URL = 2048;
const CODE_ALPHABET = '23456789abcdefghjkmnpqrstuvwxyz';
const VOTER_COOKIE = 'hj_voter';

/** A short join code that reads well aloud and on a slide: no 0/o, 1/l/i. */
export function newJoinCode(length = 6): string {
  return Array.from({ length }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

/** Start the vote server; `port` 0 picks a free one. */
export async function startVoteServer(options: VoteServerOptions): Promise<VoteServer> {
  const now = options.now ?? Date.now;
  const host = options.host ?? '127.0.0.1';
  const code = options.code ?? newJoinCode();
  const rate = options.rate ?? { burst: 10, perSecond: 5 };
  const streamsPerAddress = options.streamsPerAddress ?? 64;
  const batchMs = options.batchMs ?? 100;
  const box = new PollBox();
  const decisions: RoomDecision[] = [];
  const clients = new Set<ServerResponse>();
  const streams = new Map<string, number>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const listeners = new Set<(view: PollView) => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const publicHost = advertisedHost(host);
  const allowedHosts = new Set([...LOOPBACK_NAMES, ...hostNames(host)]);

  const broadcast = () => {
    clearTimeout(timer);
    timer = undefined;
    const view = box.view(now());
    // Encoded once for every stream: a room holds thousands.
    const payload = Buffer.from(`data: ${JSON.stringify(view)}\n\n`);
    // Every event carries the whole poll, so a phone that has not taken the last one yet (a slow
    // network) can skip this one: the next brings it up to date, and its buffer stays small.
    for (const client of clients) if (client.writableLength < MAX_PENDING_PER_STREAM) client.write(payload);
    for (const listener of listeners) listener(view);
  };
  const changedSoon = () => {
    timer ??= setTimeout(broadcast, batchMs);
  };

  /** Token bucket per address: a burst, then a steady rate. */
  const allowVote = (address: string): boolean => {
    const t = now();
    const bucket = buckets.get(address) ?? { tokens: rate.burst, at: t };
    bucket.tokens = Math.min(rate.burst, bucket.tokens + ((t - bucket.at) / 1000) * rate.perSecond);
    bucket.at = t;
    buckets.set(address, bucket);
    if (buckets.size > 100_000) buckets.clear();
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  };

  const codeMatches = (given: string | null | undefined): boolean => {
    if (typeof given !== 'string' || given.length !== code.length) return false;
    return timingSafeEqual(Buffer.from(given), Buffer.from(code));
  };

  // node:http through process.getBuiltinModule: an ESM import of it also loads Node's own copy of undici (~100 ms).
  const server = process.getBuiltinModule('node:http').createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) response.writeHead(500, pageHeaders('text/plain; charset=utf-8'));
      response.end('hero-journey vote: something went wrong\n');
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 15_000;
  server.maxHeadersCount = 50;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!allowedHosts.has(requestHost(request))) {
      response.writeHead(403, pageHeaders('text/plain; charset=utf-8')).end('hero-journey vote: open the address the presenter shows\n');
      return;
    }
    if ((request.url ?? '').length > MAX_URL) {
      response.writeHead(414, pageHeaders('text/plain; charset=utf-8')).end('hero-journey vote: address too long\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'http://vote.invalid');
    const path = url.pathname;
    const voter = voterOf(request);
    if (request.method === 'POST' && path === '/vote') return vote(request, response, url, voter);
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...pageHeaders('text/plain; charset=utf-8'), allow: path === '/vote' ? 'POST' : 'GET' }).end('hero-journey vote: method not allowed\n');
      return;
    }
    switch (path) {
      case '/': {
        const given = url.searchParams.get('code');
        const id = voter ?? newVoterId();
        const headers = { ...pageHeaders('text/html; charset=utf-8', PAGE_CSP), ...(voter ? {} : { 'set-cookie': voterCookie(id) }) };
        const known = codeMatches(given);
        response.writeHead(known || given === null ? 200 : 403, headers).end(
          voterPage(box.view(now()), { code: known ? code : undefined, wrongCode: given !== null && !known, ballot: box.ballotOf(id), title: options.journey.title }),
        );
        return;
      }
      case '/screen':
        if (!codeMatches(url.searchParams.get('code'))) {
          response.writeHead(403, pageHeaders('text/html; charset=utf-8', PAGE_CSP)).end(errorPage('The projector page needs the join code: open the screen address the presenter\'s terminal shows.'));
          return;
        }
        response.writeHead(200, pageHeaders('text/html; charset=utf-8', PAGE_CSP)).end(screenPage(box.view(now()), { url: joinUrl, title: options.journey.title }));
        return;
      case '/poll':
        response.writeHead(200, pageHeaders('application/json; charset=utf-8')).end(JSON.stringify(box.view(now())));
        return;
      case '/path':
        response.writeHead(200, pageHeaders('application/json; charset=utf-8')).end(JSON.stringify(roomPath()));
        return;
      case '/events': {
        const address = request.socket.remoteAddress ?? '';
        const open = streams.get(address) ?? 0;
        if (open >= streamsPerAddress) {
          response.writeHead(429, pageHeaders('text/plain; charset=utf-8')).end('hero-journey vote: too many open pages from this address\n');
          return;
        }
        streams.set(address, open + 1);
        request.on('close', () => {
          const left = (streams.get(address) ?? 1) - 1;
          if (left <= 0) streams.delete(address);
          else streams.set(address, left);
        });
        openEventStream(request, response, clients, `data: ${JSON.stringify(box.view(now()))}\n\n`);
        return;
      }
      case '/vote.js':
        response.writeHead(200, pageHeaders('text/javascript; charset=utf-8')).end(VOTER_SCRIPT);
        return;
      case '/screen.js':
        response.writeHead(200, pageHeaders('text/javascript; charset=utf-8')).end(SCREEN_SCRIPT);
        return;
      case '/favicon.ico':
        response.writeHead(204, pageHeaders('image/x-icon')).end();
        return;
      case '/style.css':
        response.writeHead(200, pageHeaders('text/css; charset=utf-8')).end(STYLE);
        return;
      default:
        response.writeHead(404, pageHeaders('text/plain; charset=utf-8')).end('hero-journey vote: not found\n');
    }
  };

  const vote = async (request: IncomingMessage, response: ServerResponse, url: URL, voter: string | undefined): Promise<void> => {
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    // Browsers without JavaScript post forms and get pages back; every other client gets JSON.
    const json = type !== 'application/x-www-form-urlencoded';
    const id = voter ?? newVoterId();
    const cookie = voter ? {} : { 'set-cookie': voterCookie(id) };
    const refuse = (status: number, message: string) => {
      request.resume();
      if (json) response.writeHead(status, { ...pageHeaders('application/json; charset=utf-8'), ...cookie }).end(JSON.stringify({ error: message }));
      else response.writeHead(status, { ...pageHeaders('text/html; charset=utf-8', PAGE_CSP), ...cookie }).end(errorPage(message, codeMatches(url.searchParams.get('code')) ? code : undefined));
    };
    if (!allowVote(request.socket.remoteAddress ?? '')) return refuse(429, 'too many votes from this address: wait a moment and try again');
    if (json && type !== 'application/json') return refuse(415, 'send the vote as a form (application/x-www-form-urlencoded) or as JSON');
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > MAX_BODY) return refuse(413, `a vote is at most ${MAX_BODY} bytes`);
    const body = await readBody(request, MAX_BODY);
    if (body === undefined) return refuse(413, `a vote is at most ${MAX_BODY} bytes`);
    let fields: Record<string, unknown>;
    if (json) {
      try {
        const parsed: unknown = JSON.parse(body);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return refuse(400, 'send a JSON object: {"option": "<id>", "code": "<join code>"}');
        fields = parsed as Record<string, unknown>;
      } catch {
        return refuse(400, 'the body is not valid JSON: send {"option": "<id>", "code": "<join code>"}');
      }
    } else {
      fields = Object.fromEntries(new URLSearchParams(body));
    }
    const given = typeof fields.code === 'string' ? fields.code : url.searchParams.get('code');
    if (!codeMatches(given)) return refuse(403, given ? 'wrong join code: scan the QR code or open the link the presenter shows' : 'a vote needs the join code: scan the QR code or open the link the presenter shows');
    if (typeof fields.option !== 'string' || fields.option === '') return refuse(400, 'say which option: option=<id>');
    const pollNumber = typeof fields.poll === 'string' || typeof fields.poll === 'number' ? Number(fields.poll) : undefined;
    let option;
    try {
      option = box.vote(id, fields.option, Number.isInteger(pollNumber) ? pollNumber : undefined);
    } catch (error) {
      if (error instanceof VoteRefused) return refuse(error.status, error.message);
      throw error;
    }
    changedSoon();
    if (json) {
      response.writeHead(200, { ...pageHeaders('application/json; charset=utf-8'), ...cookie }).end(JSON.stringify({ ok: true, vote: option.id, poll: box.view(now()) }));
    } else {
      response.writeHead(303, { ...pageHeaders('text/plain; charset=utf-8'), ...cookie, location: `/?code=${code}` }).end('counted\n');
    }
  };

  const roomPath = (): RoomPath => ({ journey: options.journey.id, title: options.journey.title, decisions: [...decisions] });

  const port = await listen(server, options.port, host);
  const base = `http://${publicHost}:${port}/`;
  const joinUrl = `${base}?code=${code}`;
  return {
    url: joinUrl,
    screenUrl: `${base}screen?code=${code}`,
    base,
    port,
    code,
    box,
    open(question, closesAt) {
      const n = box.open(question, closesAt);
      broadcast();
      return n;
    },
    setDeadline(closesAt) {
      box.setDeadline(closesAt);
      broadcast();
    },
    decide(winner, decidedBy) {
      const { votes, total } = box.tally();
      const chapter = box.view(now()).chapter ?? '';
      box.close(winner, decidedBy);
      const decision: RoomDecision = { chapter, choice: winner, poll: box.pollNumber, votes, total, decidedBy, at: new Date(now()).toISOString() };
      decisions.push(decision);
      broadcast();
      return decision;
    },
    view: () => box.view(now()),
    path: roomPath,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      clearTimeout(timer);
      await closeServer(server, clients);
    },
  };
}

/** Read a request body up to `max` bytes; undefined when it is longer. */
function readBody(request: IncomingMessage, max: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function newVoterId(): string {
  return randomBytes(16).toString('base64url');
}

function voterCookie(id: string): string {
  return `${VOTER_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200`;
}

/** The voter id from the request's cookie, when it is one this server could have made. */
function voterOf(request: IncomingMessage): string | undefined {
  const header = request.headers.cookie ?? '';
  const found = new RegExp(`(?:^|;\\s*)${VOTER_COOKIE}=([A-Za-z0-9_-]{22})(?:;|$)`).exec(header);
  return found?.[1];
}

/** The address phones should use: the listening address, or for 0.0.0.0 / :: this machine's first network address. */
function advertisedHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') {
    const external = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    return external?.address ?? '127.0.0.1';
  }
  return host.includes(':') ? `[${host}]` : host;
}

/** Host names requests may carry besides loopback: the listening address, or every address of this machine. */
function hostNames(host: string): string[] {
  if (host === '0.0.0.0' || host === '::') {
    return Object.values(networkInterfaces())
      .flat()
      .flatMap((i) => (i ? [i.family === 'IPv6' ? `[${i.address.toLowerCase()}]` : i.address] : []));
  }
  return [host.includes(':') ? `[${host.toLowerCase()}]` : host.toLowerCase()];
}
