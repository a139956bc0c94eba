// The live dashboard of `hero-journey verify --serve`: a page on localhost that follows the
// verify rounds through server-sent events. Loopback only, and requests whose Host header is not
// a loopback name are refused (a web page elsewhere cannot reach it through DNS rebinding).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClassroomReport } from './model.ts';
import { renderBoard, renderHead, renderHtml, renderRow, renderSummary } from './report/html.ts';
import { renderJson } from './report/json.ts';

export interface Dashboard {
  /** `http://127.0.0.1:PORT/` */
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

  const send = (event: string, data: unknown) => {
    const payload = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
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

  const server = createServer((request, response) => {
    if (!loopbackHost(request)) {
      response.writeHead(403, { 'content-type': 'text/plain' }).end('hero-journey dashboard: only reachable as localhost\n');
      return;
    }
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (path === '/') return html(response, renderHtml(report, { live: true }));
    if (path === '/report.json') {
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(renderJson(report));
      return;
    }
    if (path === '/events') return events(request, response);
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
  });

  const html = (response: ServerResponse, body: string) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer' }).end(body);
  };

  const events = (request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    response.write('retry: 1000\n\n');
    const at = new Date(report.generatedAt).toTimeString().slice(0, 8);
    response.write(`event: full\ndata: ${JSON.stringify({ board: renderBoard(report), summary: renderSummary(report), at })}\n\n`);
    clients.add(response);
    const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
    request.on('close', () => {
      clearInterval(keepAlive);
      clients.delete(response);
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    update(next, changed) {
      if (changed.length === 0 || next.attendees.length !== report.attendees.length) everything = true;
      report = next;
      for (const index of changed) pending.add(index);
      timer ??= setTimeout(flush, batchMs);
    },
    async close() {
      clearTimeout(timer);
      for (const client of clients) client.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Whether the request names this machine: 127.0.0.1, localhost or [::1], with any port. */
export function loopbackHost(request: Pick<IncomingMessage, 'headers'>): boolean {
  const host = (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}
