// The audience's phones for bench/vote.ts, in a worker thread so that reading 2,000 event streams
// does not slow down the thread that casts the votes: one stream per phone, each remembering
// when (ms since the epoch) it saw each total.
import { request, type IncomingMessage } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { port, count, perAddress } = workerData as { port: number; count: number; perAddress: number };
const address = (i: number) => `127.0.${1 + Math.floor(i / perAddress / 250)}.${1 + (Math.floor(i / perAddress) % 250)}`;
const now = () => performance.timeOrigin + performance.now();
const seen: Array<Array<[number, number]>> = [];
const streams: IncomingMessage[] = [];

await Promise.all(
  Array.from({ length: count }, (_, i) =>
    new Promise<void>((resolve, reject) => {
      const log: Array<[number, number]> = [];
      seen.push(log);
      const req = request({ host: '127.0.0.1', port, path: '/events', localAddress: address(i), agent: false }, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`stream ${i}: HTTP ${res.statusCode}`));
        streams.push(res);
        let buffer = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          buffer += chunk;
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            // The total is all a phone needs to know here; the bench keeps its own work small.
            const total = /"total":(\d+)/.exec(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (total) log.push([Number(total[1]), now()]);
          }
          if (log.length > 0) resolve();
        });
      });
      req.on('error', reject);
      req.end();
    }),
  ),
);
parentPort!.postMessage({ ready: true });
parentPort!.on('message', (message: { until: number }) => {
  const check = () => {
    if (seen.every((log) => (log.at(-1)?.[0] ?? 0) >= message.until)) return done();
    setTimeout(check, 50);
  };
  const done = () => {
    clearTimeout(timer);
    for (const stream of streams) stream.destroy();
    parentPort!.postMessage({ seen });
    parentPort!.close();
  };
  const timer = setTimeout(done, 10_000);
  check();
});
