// The audience's phones for bench/vote.ts, in a worker thread so that reading 2,000 event streams
// does not slow down the thread that casts the votes. Plain sockets speaking HTTP/1.1, so the
// bench spends little of the machine on its own reading: one stream per phone, each remembering
// when (ms since the epoch) it saw each total.
import { connect, type Socket } from 'node:net';
import { parentPort, workerData } from 'node:worker_threads';

const { port, count, perAddress } = workerData as { port: number; count: number; perAddress: number };
const address = (i: number) => `127.0.${1 + Math.floor(i / perAddress / 250)}.${1 + (Math.floor(i / perAddress) % 250)}`;
const now = () => performance.timeOrigin + performance.now();
const seen: Array<Array<[number, number]>> = [];
const sockets: Socket[] = [];
const marker = Buffer.from('"total":');

await Promise.all(
  Array.from({ length: count }, (_, i) =>
    new Promise<void>((resolve, reject) => {
      const log: Array<[number, number]> = [];
      seen.push(log);
      const socket = connect({ host: '127.0.0.1', port, localAddress: address(i) }, () => {
        socket.write(`GET /events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAccept: text/event-stream\r\n\r\n`);
      });
      sockets.push(socket);
      socket.on('data', (chunk: Buffer) => {
        // Every event carries the whole poll; the top-level total comes before any other.
        for (let at = chunk.indexOf(marker); at >= 0; at = chunk.indexOf(marker, at + 1)) {
          let total = 0;
          for (let j = at + marker.length; chunk[j]! >= 48 && chunk[j]! <= 57; j++) total = total * 10 + chunk[j]! - 48;
          log.push([total, now()]);
        }
        if (log.length > 0) resolve();
      });
      socket.on('error', reject);
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
    for (const socket of sockets) socket.destroy();
    parentPort!.postMessage({ seen });
    parentPort!.close();
  };
  const timer = setTimeout(done, 10_000);
  check();
});
