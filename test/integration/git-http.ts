// A Git host on 127.0.0.1 for the tests: git's own smart HTTP (`git http-backend`, a CGI
// program) behind a small Node server, serving the bare repositories in one folder for clone,
// fetch and push. GitOps controllers such as Flux's source-controller fetch only over
// http(s) or ssh, never from a file:// path, so the learner's repository is served this way.
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHost {
  /** http://127.0.0.1:PORT: a repository `x.git` in the folder is `${url}/x.git`. */
  url: string;
  close: () => Promise<void>;
}

/** Serves every bare repository in `root` over smart HTTP, with push allowed (as a signed-in user on a Git host). */
export async function serveGitRepositories(root: string): Promise<GitHost> {
  const server = createServer((req, res) => handle(root, req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(root: string, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://git.invalid');
  const header = (name: string): string => String(req.headers[name] ?? '');
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: root,
      GIT_HTTP_EXPORT_ALL: '1',
      // http-backend allows receive-pack (push) to an authenticated user only.
      REMOTE_USER: 'hero',
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_METHOD: req.method ?? 'GET',
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ''),
      CONTENT_TYPE: header('content-type'),
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: header('content-length') } : {}),
      HTTP_CONTENT_ENCODING: header('content-encoding'),
      GIT_PROTOCOL: header('git-protocol'),
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  req.pipe(cgi.stdin);
  let stderr = '';
  cgi.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  // CGI output: header lines, a blank line, then the body as it comes.
  let head = Buffer.alloc(0);
  let body = false;
  cgi.stdout.on('data', (chunk: Buffer) => {
    if (body) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    let status = 200;
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 500;
      else res.setHeader(name, value);
    }
    res.statusCode = status;
    body = true;
    res.write(head.subarray(end + 4));
  });
  cgi.on('error', (err) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(`git http-backend: ${err.message}\n`);
  });
  cgi.on('close', (code) => {
    if (!body) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`git http-backend exited ${code}: ${stderr}\n`);
      return;
    }
    res.end();
  });
}
