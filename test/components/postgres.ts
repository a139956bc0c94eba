// A real PostgreSQL server for tests, run as a local process from Debian's `postgresql` package:
// initdb and postgres in a folder of its own, password (SCRAM) authentication over TCP as a cloud
// database has it, without TLS (like the in-cluster database) or with it (like a cloud's, a
// self-signed certificate), stopped and started again at will.
// PostgreSQL refuses to run as root: as root, its programs run as the `postgres` user the package
// creates. No vitest imports here.
import { execFile } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { controllerLogs, startControllers, type Controllers } from './controllers.ts';

const exec = promisify(execFile);
const root = process.getuid?.() === 0;

/** The folder of PostgreSQL's programs (the newest installed major version), or undefined. */
function postgresBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((v) => path.join(base, v, 'bin')).find((dir) => fs.existsSync(path.join(dir, 'postgres')) && fs.existsSync(path.join(dir, 'psql')));
}

/** Why no PostgreSQL server can be run here (the sentence a skipped test shows), or undefined. */
export function postgresUnavailable(): string | undefined {
  if (!postgresBinDir()) return 'PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/postgres): `apt-get install -y postgresql` (.ci/run does it)';
  if (root && !fs.existsSync('/usr/sbin/runuser')) return 'PostgreSQL refuses to run as root and there is no runuser to run it as the postgres user';
  return undefined;
}

export interface Postgres {
  /** The loopback address and port the server listens on. */
  host: string;
  port: number;
  /** Runs SQL as the superuser (in database `db`, default postgres) with psql; resolves to its output. */
  sql(statement: string, db?: string): Promise<string>;
  /** Starts the server (again), with TLS when `tls` (a self-signed certificate), and waits until it accepts connections. */
  start(options?: { tls?: boolean }): Promise<void>;
  /** Stops the server; its data stays for the next start. */
  stop(): Promise<void>;
  /** Stops the server and removes its folder. */
  remove(): Promise<void>;
}

/** A port on `host` where nothing listens right now. */
async function portIsFree(host: string, port: number): Promise<boolean> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, host, () => resolve()));
    return true;
  } catch {
    return false;
  } finally {
    server.close();
  }
}

/**
 * Creates a PostgreSQL cluster in a temporary folder that listens on PORT (default 5432, the port
 * databases are given in a Secret) of a loopback address of its own (127.A.B.C, free for that port),
 * and starts it.
 */
export async function startPostgres(port = 5432): Promise<Postgres> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error(postgresUnavailable());
  let host = '';
  for (let attempt = 0; attempt < 20 && !host; attempt++) {
    const candidate = `127.${randomInt(64, 255)}.${randomInt(0, 256)}.${randomInt(2, 255)}`;
    if (await portIsFree(candidate, port)) host = candidate;
  }
  if (!host) throw new Error(`no loopback address with port ${port} free`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hero-journey-postgres-'));
  const data = path.join(dir, 'data');
  const superuserPassword = randomBytes(12).toString('hex');
  fs.writeFileSync(path.join(dir, 'superuser.pw'), `${superuserPassword}\n`, { mode: 0o600 });
  if (root) await exec('chown', ['-R', 'postgres:postgres', dir]);
  const asPostgres = (program: string, args: string[]): [string, string[]] => (root ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args]);

  await exec(...asPostgres(path.join(binDir, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${path.join(dir, 'superuser.pw')}`, '-E', 'UTF8', '--locale=C.UTF-8', '--no-instructions']), { cwd: dir });
  // Connections come from the server's own loopback address, which initdb's 127.0.0.1/32 line does not cover.
  fs.appendFileSync(path.join(data, 'pg_hba.conf'), 'host all all 127.0.0.0/8 scram-sha-256\n');

  const sqlEnv = { ...process.env, PGPASSWORD: superuserPassword, PGCONNECT_TIMEOUT: '5' };
  const psql = (statement: string, db = 'postgres') =>
    exec(path.join(binDir, 'psql'), ['-h', host, '-p', String(port), '-U', 'postgres', '-d', db, '-v', 'ON_ERROR_STOP=1', '-qAt', '-c', statement], { env: sqlEnv }).then((r) => r.stdout);

  let server: Controllers | undefined;
  const logDir = path.join(dir, 'log');
  const stop = async (): Promise<void> => {
    await server?.stop();
    server = undefined;
  };
  const tlsSettings = async (): Promise<string[]> => {
    const cert = path.join(dir, 'server.crt');
    const key = path.join(dir, 'server.key');
    if (!fs.existsSync(key)) {
      await exec('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${host}`, '-keyout', key, '-out', cert]);
      fs.chmodSync(key, 0o600);
      if (root) await exec('chown', ['postgres:postgres', cert, key]);
    }
    return ['-c', 'ssl=on', '-c', `ssl_cert_file=${cert}`, '-c', `ssl_key_file=${key}`];
  };
  const start = async (options: { tls?: boolean } = {}): Promise<void> => {
    if (server) return;
    const [program, args] = asPostgres(path.join(binDir, 'postgres'), [
      '-D', data, '-p', String(port), '-c', `listen_addresses=${host}`, '-c', `unix_socket_directories=${dir}`,
      ...(options.tls ? await tlsSettings() : ['-c', 'ssl=off']), '-c', 'fsync=off', '-c', 'full_page_writes=off',
    ]);
    server = startControllers(path.dirname(program), logDir, { [path.basename(program)]: args }, {});
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await psql('SELECT 1');
        return;
      } catch (error) {
        if (Date.now() > deadline) {
          const logs = controllerLogs(server);
          await stop();
          throw new Error(`PostgreSQL did not accept connections at ${host}:${port} within 60 s: ${(error as Error).message}\n${logs}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };
  await start();
  return {
    host,
    port,
    sql: psql,
    start,
    stop,
    async remove() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
