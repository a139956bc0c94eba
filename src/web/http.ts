// What hero-journey's small web servers (the verify dashboard, the live vote) share: Host header
// checks against DNS rebinding, security headers, server-sent event streams, listening.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The names of this machine every server answers to: 127.0.0.1, localhost, [::1]. */
export const LOOPBACK_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];

/** The request's Host header without its port, lower case. */
export function requestHost(request: Pick<IncomingMessage, 'headers'>): string {
  return (request.headers.host ?? '').toLowerCase().replace(/:\d+$/, '');
}

/** Whether the request names this machine: 127.0.0.1, localhost or [::1], with any port. */
export function loopbackHost(request: Pick<IncomingMessage, 'headers'>): boolean {
  return LOOPBACK_NAMES.includes(requestHost(request));
}

/** Headers for every page: no caching, no sniffing, no referrer, the given Content-Security-Policy. */
export function pageHeaders(contentType: string, csp?: string): Record<string, string> {
  return {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(csp ? { 'content-security-policy': csp, 'x-frame-options': 'DENY' } : {}),
  };
}

/** One server-sent event, ready to write. */
export function sseEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Turn a response into an event stream: headers, the first events, a keep-alive comment every
 * 15 s; `clients` holds it until the browser goes away.
 */
export function openEventStream(request: IncomingMessage, response: ServerResponse, clients: Set<ServerResponse>, first: string): void {
  response.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  response.write(`retry: 1000\n\n${first}`);
  clients.add(response);
  const keepAlive = setInterval(() => response.write(': keep-alive\n\n'), 15_000);
  request.on('close', () => {
    clearInterval(keepAlive);
    clients.delete(response);
  });
}

/** Listen on `host:port` (0 picks a free port); resolves with the port. */
export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** End every stream, drop every connection, stop listening. */
export async function closeServer(server: Server, clients: Set<ServerResponse>): Promise<void> {
  for (const client of clients) client.end();
  clients.clear();
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
