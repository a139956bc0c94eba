// The live dashboard of `hero-journey verify --serve`: a page on localhost that follows the
// verify rounds through server-sent events. Loopback only, and requests whose Host header is not
// a loopback name are refused (a web page elsewhere cannot reach it through DNS rebinding).
// Every path starts with an unguessable token, printed only to the instructor: another user of
// the same machine (or a page that guesses the port) gets nothing.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { closeServer, listen, loopbackHost, openEventStream, pageHeaders, sseEvent } from '../web/http.ts';
import type { ClassroomReport } from './model.ts';
import { renderBoard, renderHead, renderHtml, renderRow, renderSummary } from './report/html.ts';
import { renderJson } from './report/json.ts';

export interface Dashboard {
  /** `http://127.0.0.1:PORT/TOKEN/`: the only address that answers. */
  url: string;
  port: number;
  /** The report changed (rows `changed`, or everything when empty): tell every open page. */
  update(report: ClassroomReport, changed: number[]): void;
  close(): Promise<void>;
}

/** Start serving on 127.0.0.1 (`port` 0 picks a free one). */
export async function startDashboard(options: { port: number; report: ClassroomReport; batchMs?: number }): Promise<Dashboard> {
  let report = options.report;
  const clients = new Set<ServerResponse>();
  const pending = new Set<number>();
  let everything = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const batchMs = options.batchMs ?? 200;
  const token = randomBytes(24).toString('base64url');

  const send = (event: string, data: unknown) => {
    const payload = sseEvent(event, data);
    for (const client of clients) client.write(payload);
  };
  const flush = () => {
    timer = undefined;
    const at = new Date(report.generatedAt).toTimeString().slice(0, 8);
    if (everything) {
      send('full', { board: renderBoard(report), summary: renderSummary(report), at });
    } else {
      for (const index of pending) {
        const row = report.attendees[index];
        if (row) send('row', { index, html: renderRow(report, row, index) });
      }
      send('head', { head: renderHead(report), summary: renderSummary(report), at });
    }
    pending.clear();
    everything = false;
  };

  // node:http through process.getBuiltinModule: an ESM import of it also loads Node's own copy of undici (~100 ms).
  const server = process.getBuiltinModule('node:http').createServer((request, response) => {
    if (!loopbackHost(request)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('hero-journey dashboard: only reachable as localhost\n');
      return;
    }
    const [, given = '', ...rest] = (request.url ?? '/').split('?')[0]!.split('/');
    if (!sameToken(given, token)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('hero-journey dashboard: open the address `hero-journey verify --serve` printed (it holds a token)\n');
      return;
    }
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    const path = `/${rest.join('/')}`;
    // The page's own requests (events, report.json) are relative to the token folder.
    if (rest.length === 0) return void response.writeHead(308, { location: `/${token}/` }).end();
    if (path === '/') return html(response, renderHtml(report, { live: true }));
    if (path === '/report.json') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(renderJson(report));
      return;
    }
    if (path === '/events') return events(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });

  const html = (response: ServerResponse, body: string) => {
    response.writeHead(200, pageHeaders('text/html; charset=utf-8')).end(body);
  };

  const events = (request: IncomingMessage, response: ServerResponse) => {
    const at = new Date(report.generatedAt).toTimeString().slice(0, 8);
    openEventStream(request, response, clients, sseEvent('full', { board: renderBoard(report), summary: renderSummary(report), at }));
  };

  const port = await listen(server, options.port, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}/${token}/`,
    port,
    update(next, changed) {
      if (changed.length === 0 || next.attendees.length !== report.attendees.length) everything = true;
      report = next;
      for (const index of changed) pending.add(index);
      timer ??= setTimeout(flush, batchMs);
    },
    async close() {
      clearTimeout(timer);
      await closeServer(server, clients);
    },
  };
}

/** Whether a path segment is the token, in constant time. */
function sameToken(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

