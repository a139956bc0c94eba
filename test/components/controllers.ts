// Controllers built by `bash test/components/build.sh NAME`, run out of cluster against a test
// control plane as local processes: found in the cache, started, logged to files, stopped.
// No vitest imports here.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const buildScript = fileURLToPath(new URL('./build.sh', import.meta.url));

/** The built component's folders, or why there are none (the sentence a skipped test shows). */
export function builtComponent(name: string): { binDir: string; crdDir: string } | { missing: string } {
  let binDir: string;
  try {
    binDir = execFileSync('bash', [buildScript, '--print', name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    return { missing: `\`bash test/components/build.sh --print ${name}\` failed: ${(err as Error).message.split('\n')[0]}` };
  }
  const out = path.dirname(binDir);
  if (!fs.existsSync(path.join(out, 'COMPLETE'))) {
    return { missing: `${name} is not built here (no ${out}/COMPLETE): run \`bash test/components/build.sh ${name}\` (needs Go >= 1.26; .ci/run does it)` };
  }
  return { binDir, crdDir: path.join(out, 'crds') };
}

export interface Controllers {
  /** Where each controller logs. */
  logs: Record<string, string>;
  /** Stops every controller (SIGTERM, then SIGKILL). */
  stop: () => Promise<void>;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts each binary of `binDir` named in `commands` with its arguments, in `dir` (also its HOME),
 * with only PATH and `env` in its environment, logging to `dir`/NAME.log.
 */
export function startControllers(binDir: string, dir: string, commands: Record<string, string[]>, env: Record<string, string>): Controllers {
  fs.mkdirSync(dir, { recursive: true });
  const children: ChildProcess[] = [];
  const logs: Record<string, string> = {};
  const stopNow = (): void => {
    for (const child of children) if (child.exitCode === null && child.pid) try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  };
  process.on('exit', stopNow);
  for (const [name, args] of Object.entries(commands)) {
    logs[name] = path.join(dir, `${name}.log`);
    const out = fs.openSync(logs[name], 'a');
    const child = spawn(path.join(binDir, name), args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: { PATH: process.env.PATH, HOME: dir, ...env },
    });
    fs.closeSync(out);
    children.push(child);
  }
  return {
    logs,
    stop: async () => {
      process.off('exit', stopNow);
      for (const child of children) if (child.exitCode === null && child.pid) try { process.kill(-child.pid, 'SIGTERM'); } catch { /* gone */ }
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline && children.some((c) => c.exitCode === null && c.signalCode === null)) await new Promise((r) => setTimeout(r, 50));
      stopNow();
    },
  };
}

/** The last lines of each controller's log, for a failing test's message. */
export function controllerLogs(controllers: Controllers | undefined, lines = 15): string {
  if (!controllers) return '';
  return Object.entries(controllers.logs)
    .map(([name, file]) => `--- ${name}:\n${fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')}`)
    .join('\n');
}
