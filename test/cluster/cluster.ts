// Local Kubernetes control plane for tests: etcd, kube-apiserver (RBAC, loopback only),
// kube-controller-manager, kube-scheduler and kwok with one fake node, all built from Go
// modules by test/cluster/build.sh. No vitest imports here: the CLI (cli.ts) and vitest's
// globalSetup (global-setup.ts) both use this module, and test files use testenv.ts.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
export const buildScript = path.join(here, 'build.sh');

/** Name of the fake node kwok manages. */
export const FAKE_NODE_NAME = 'kwok-node-0';
/** Annotation kwok selects its nodes by. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
const TMP_PREFIX = 'hero-journey-cluster-';
/** Exit/signal cleanup registered per cluster folder (see stopOnExit). */
const exitHooks = new Map<string, () => void>();

export interface ClusterState {
  /** Folder holding certificates, etcd data, logs, kubeconfigs and state.json. */
  dir: string;
  /** Folder with kube-apiserver, kubectl, helm, etcd, kwok, ... */
  binDir: string;
  /** Admin kubeconfig (client certificate CN=admin, O=system:masters). */
  kubeconfig: string;
  /** API server URL, https://127.0.0.1:PORT. */
  server: string;
  caFile: string;
  /** Pid of the process that owns this cluster (0 when started by hand and left running). */
  ownerPid: number;
  pids: Record<string, number>;
  ports: Record<string, number>;
  startedAt: string;
  startSeconds: number;
}

export interface StartOptions {
  /** Folder to use (created, must not hold a running cluster). Default: a new temp folder. */
  dir?: string;
  /** Folder with the binaries. Default: HERO_JOURNEY_CLUSTER_BIN, else build.sh's cache folder. */
  binDir?: string;
  /** Keep processes running after this Node process exits (cluster:up). */
  detach?: boolean;
  /** Build the binaries when the cache has none. Default true. */
  build?: boolean;
  log?: (msg: string) => void;
  /** Overall timeout in milliseconds. Default 120 s. */
  timeoutMs?: number;
  /** Where kwok takes the fake pods' IP addresses from. Default 10.244.0.0/16. */
  podCidr?: string;
}

const BIN_NAMES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok', 'helm'];

function defaultLog(msg: string): void {
  process.stderr.write(`[cluster] ${msg}\n`);
}

/** Root of the cache folder build.sh writes to. */
export function testenvRoot(): string {
  const env = process.env;
  if (env.HERO_JOURNEY_TESTENV_DIR) return env.HERO_JOURNEY_TESTENV_DIR;
  const cache = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'hero-journey', 'testenv');
}

/** Folder used by `npm run cluster:up` (a cluster started by hand). */
export function manualClusterDir(): string {
  return path.join(testenvRoot(), 'manual');
}

function binsComplete(binDir: string): boolean {
  return BIN_NAMES.every((b) => {
    try {
      fs.accessSync(path.join(binDir, b), fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Returns the folder with the control-plane binaries, building them if asked and needed. */
export function resolveBinDir(opts: { build?: boolean; log?: (msg: string) => void } = {}): string {
  const log = opts.log ?? defaultLog;
  const fromEnv = process.env.HERO_JOURNEY_CLUSTER_BIN;
  if (fromEnv) {
    if (!binsComplete(fromEnv)) throw new Error(`HERO_JOURNEY_CLUSTER_BIN=${fromEnv} lacks one of ${BIN_NAMES.join(', ')}`);
    return fromEnv;
  }
  const binDir = execFileSync('bash', [buildScript, '--print'], { encoding: 'utf8' }).trim();
  if (binsComplete(binDir) && fs.existsSync(path.join(binDir, '..', 'COMPLETE'))) return binDir;
  if (opts.build === false) {
    throw new Error(`control-plane binaries missing in ${binDir}; run \`npm run cluster:build\` first`);
  }
  log(`binaries missing in ${binDir}; building them now (npm run cluster:build; a cold build takes a while)`);
  execFileSync('bash', [buildScript], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (!binsComplete(binDir)) throw new Error(`build finished but binaries are missing in ${binDir}`);
  return binDir;
}

// ---------------------------------------------------------------- certificates

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function ecKey(dir: string, name: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], dir);
}

/** Writes NAME.key/NAME.crt signed by the CA in `pki`. */
function signedCert(
  pki: string,
  name: string,
  subject: string,
  ext: { serverSans?: string[]; client?: boolean },
): void {
  ecKey(pki, name);
  const lines = ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment'];
  if (ext.serverSans) {
    lines.push('extendedKeyUsage=serverAuth');
    lines.push(`subjectAltName=${ext.serverSans.join(',')}`);
  } else {
    lines.push('extendedKeyUsage=clientAuth');
  }
  const extFile = `${name}.ext`;
  fs.writeFileSync(path.join(pki, extFile), lines.join('\n') + '\n');
  openssl(['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`], pki);
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial',
      `0x${randomBytes(16).toString('hex')}`, '-days', '30', '-sha256', '-extfile', extFile, '-out', `${name}.crt`],
    pki,
  );
  fs.rmSync(path.join(pki, `${name}.csr`));
  fs.rmSync(path.join(pki, extFile));
}

/** Writes NAME.key/NAME.crt for a TLS server with these SANs (`DNS:x`, `IP:y`), signed by the cluster's CA. */
export function signServerCertificate(state: Pick<ClusterState, 'dir'>, name: string, sans: string[]): { cert: string; key: string } {
  const pki = path.join(state.dir, 'pki');
  signedCert(pki, name, `/CN=${name}`, { serverSans: sans });
  return { cert: path.join(pki, `${name}.crt`), key: path.join(pki, `${name}.key`) };
}

function subjectFor(cn: string, groups: string[]): string {
  const esc = (s: string): string => s.replace(/[/\\,+="<>#;]/g, (c) => `\\${c}`);
  return groups.map((g) => `/O=${esc(g)}`).join('') + `/CN=${esc(cn)}`;
}

function makePki(pki: string): void {
  fs.mkdirSync(pki, { recursive: true, mode: 0o700 });
  ecKey(pki, 'ca');
  openssl(
    ['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=hero-journey-test-ca', '-days', '30', '-sha256',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
      '-out', 'ca.crt'],
    pki,
  );
  signedCert(pki, 'apiserver', '/CN=kube-apiserver', {
    serverSans: ['IP:127.0.0.1', 'IP:10.0.0.1', 'DNS:localhost', 'DNS:kubernetes', 'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'],
  });
  signedCert(pki, 'admin', subjectFor('admin', ['system:masters']), { client: true });
  signedCert(pki, 'controller-manager', subjectFor('system:kube-controller-manager', []), { client: true });
  signedCert(pki, 'scheduler', subjectFor('system:kube-scheduler', []), { client: true });
  // kwok updates node and pod status of every fake node; it acts as a cluster admin like in kwokctl.
  signedCert(pki, 'kwok', subjectFor('kwok-controller', ['system:masters']), { client: true });
  ecKey(pki, 'sa');
  openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], pki);
}

function kubeconfigYaml(server: string, caFile: string, user: string, certFile: string, keyFile: string): string {
  const q = (s: string): string => JSON.stringify(s);
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: hero-journey-test',
    '  cluster:',
    `    server: ${q(server)}`,
    `    certificate-authority: ${q(caFile)}`,
    'users:',
    `- name: ${q(user)}`,
    '  user:',
    `    client-certificate: ${q(certFile)}`,
    `    client-key: ${q(keyFile)}`,
    'contexts:',
    '- name: hero-journey-test',
    '  context:',
    '    cluster: hero-journey-test',
    `    user: ${q(user)}`,
    '    namespace: default',
    'current-context: hero-journey-test',
    '',
  ].join('\n');
}

/**
 * Mints a client-certificate user (CN=name, O=each group) signed by the cluster's CA and
 * returns the path of a kubeconfig for it. The user has no permissions until RBAC grants some.
 */
export function mintUser(state: Pick<ClusterState, 'dir' | 'server' | 'caFile'>, name: string, groups: string[] = []): string {
  const pki = path.join(state.dir, 'pki');
  const usersDir = path.join(state.dir, 'users');
  fs.mkdirSync(usersDir, { recursive: true });
  const id = `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}-${randomBytes(4).toString('hex')}`;
  const userDir = path.join(usersDir, id);
  fs.mkdirSync(userDir, { mode: 0o700 });
  // Sign in the pki folder (next to the CA), then move the pair.
  signedCert(pki, `user-${id}`, subjectFor(name, groups), { client: true });
  const certFile = path.join(userDir, 'client.crt');
  const keyFile = path.join(userDir, 'client.key');
  fs.renameSync(path.join(pki, `user-${id}.crt`), certFile);
  fs.renameSync(path.join(pki, `user-${id}.key`), keyFile);
  const kubeconfig = path.join(userDir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, kubeconfigYaml(state.server, state.caFile, name, certFile, keyFile), { mode: 0o600 });
  return kubeconfig;
}

// ---------------------------------------------------------------- processes

/** N TCP ports free on 127.0.0.1 right now. */
export async function freePorts(n: number): Promise<number[]> {
  const servers: net.Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const srv = net.createServer();
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(0, '127.0.0.1', () => resolve());
    });
    servers.push(srv);
    ports.push((srv.address() as net.AddressInfo).port);
  }
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  return ports;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when pid runs a command line mentioning `dir` (guards against reused pids). */
function ownedBy(pid: number, dir: string): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir) || fs.readlinkSync(`/proc/${pid}/cwd`) === dir;
  } catch {
    return false;
  }
}

function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // already gone
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tail(file: string, lines = 25): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------- API access

interface Tls {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

function api(server: string, tls: Tls, method: string, p: string, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request(
      new URL(p, server),
      {
        method,
        ca: tls.ca,
        cert: tls.cert,
        key: tls.key,
        timeout: 5000,
        headers: data ? { 'content-type': 'application/json', 'content-length': data.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${p}`)));
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

/** A request to the cluster's API as its admin: the status and the body as text. */
export function adminRequest(state: Pick<ClusterState, 'dir' | 'server'>, method: string, p: string, body?: unknown): Promise<{ status: number; body: string }> {
  const pki = path.join(state.dir, 'pki');
  const tls: Tls = { ca: fs.readFileSync(path.join(pki, 'ca.crt')), cert: fs.readFileSync(path.join(pki, 'admin.crt')), key: fs.readFileSync(path.join(pki, 'admin.key')) };
  return api(state.server, tls, method, p, body);
}

function fakeNode(): unknown {
  const resources = { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '1Ti' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: FAKE_NODE_NAME,
      annotations: { [KWOK_NODE_ANNOTATION]: 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': FAKE_NODE_NAME,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/role': 'agent',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
      },
    },
    spec: {},
    status: {
      allocatable: resources,
      capacity: resources,
      nodeInfo: {
        architecture: 'amd64',
        operatingSystem: 'linux',
        kubeletVersion: 'fake',
        kubeProxyVersion: 'fake',
        containerRuntimeVersion: 'kwok',
        kernelVersion: '',
        osImage: '',
        bootID: '',
        machineID: '',
        systemUUID: '',
      },
      phase: 'Running',
    },
  };
}

// ---------------------------------------------------------------- start / stop

/**
 * Starts one more process that belongs to the cluster (its folder is the working directory, its
 * output goes to logs/NAME.log): stopCluster, the exit hooks and reapStale end it with the rest.
 */
export function startClusterProcess(state: ClusterState, name: string, file: string, args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const out = fs.openSync(path.join(state.dir, 'logs', `${name}.log`), 'a');
  const child = spawn(file, args, { cwd: state.dir, detached: true, stdio: ['ignore', out, out], env: { ...process.env, HOME: state.dir, KUBECONFIG: '', ...env } });
  fs.closeSync(out);
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  child.on('error', () => undefined);
  state.pids[name] = child.pid;
  writeState(state);
  return child;
}

/** Stops a process started by startClusterProcess (SIGTERM, then SIGKILL after 5 s). */
export async function stopClusterProcess(state: ClusterState, name: string): Promise<void> {
  const pid = state.pids[name];
  if (pid === undefined) return;
  if (alive(pid) && ownedBy(pid, state.dir)) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline && alive(pid) && ownedBy(pid, state.dir)) await sleep(50);
  if (alive(pid) && ownedBy(pid, state.dir)) signalGroup(pid, 'SIGKILL');
  delete state.pids[name];
  writeState(state);
}

/** Last lines of a cluster process's log. */
export function clusterProcessLog(state: ClusterState, name: string, lines = 25): string {
  return tail(path.join(state.dir, 'logs', `${name}.log`), lines);
}

function writeState(state: ClusterState): void {
  const file = path.join(state.dir, 'state.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(`${file}.tmp`, file);
}

/** Reads state.json of a cluster folder, or returns undefined. */
export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'state.json'), 'utf8')) as ClusterState;
  } catch {
    return undefined;
  }
}

/** True when every process of the cluster is still running. */
export function isRunning(state: ClusterState): boolean {
  const pids = Object.values(state.pids);
  return pids.length > 0 && pids.every((pid) => alive(pid) && ownedBy(pid, state.dir));
}

/**
 * Removes leftovers of test clusters whose owning process died without cleaning up
 * (for example a test run killed with SIGKILL).
 */
export function reapStale(log: (msg: string) => void = defaultLog): void {
  const tmp = os.tmpdir();
  let entries: string[] = [];
  try {
    entries = fs.readdirSync(tmp).filter((e) => e.startsWith(TMP_PREFIX));
  } catch {
    return;
  }
  for (const e of entries) {
    const dir = path.join(tmp, e);
    const state = readState(dir);
    if (!state || state.ownerPid === 0 || alive(state.ownerPid)) continue;
    log(`removing stale test cluster ${dir} (owner ${state.ownerPid} is gone)`);
    killAllSync(state);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function killAllSync(state: ClusterState): void {
  for (const pid of Object.values(state.pids)) {
    if (alive(pid) && ownedBy(pid, state.dir)) signalGroup(pid, 'SIGKILL');
  }
}

/** Stops every process of the cluster (SIGTERM, then SIGKILL) and removes its folder. */
export async function stopCluster(state: ClusterState, opts: { keepDir?: boolean } = {}): Promise<void> {
  exitHooks.get(state.dir)?.();
  const pids = Object.values(state.pids).filter((pid) => alive(pid) && ownedBy(pid, state.dir));
  for (const pid of pids) signalGroup(pid, 'SIGTERM');
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && pids.some((pid) => alive(pid) && ownedBy(pid, state.dir))) await sleep(50);
  for (const pid of pids) if (alive(pid) && ownedBy(pid, state.dir)) signalGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (Date.now() < hardDeadline && pids.some((pid) => alive(pid) && ownedBy(pid, state.dir))) await sleep(25);
  if (!opts.keepDir) fs.rmSync(state.dir, { recursive: true, force: true });
}

/** Synchronous best-effort stop, for process 'exit' handlers. */
export function stopClusterSync(state: ClusterState): void {
  killAllSync(state);
  try {
    fs.rmSync(state.dir, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

/**
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok, creates the
 * fake node, and resolves once the API is ready, the node is Ready and untainted and the
 * default ServiceAccount exists.
 */
export async function startCluster(opts: StartOptions = {}): Promise<ClusterState> {
  const log = opts.log ?? defaultLog;
  const t0 = performance.now();
  const elapsed = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
  const timeoutMs = opts.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  reapStale(log);

  const binDir = opts.binDir ?? resolveBinDir({ build: opts.build, log });
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), TMP_PREFIX));
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const pki = path.join(dir, 'pki');
  const logs = path.join(dir, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const kwokStages = path.join(binDir, '..', 'kwok-stages');

  const [etcdClient, etcdPeer, apiPort, kwokPort] = (await freePorts(4)) as [number, number, number, number];
  const server = `https://127.0.0.1:${apiPort}`;
  const state: ClusterState = {
    dir,
    binDir,
    kubeconfig: path.join(dir, 'admin.kubeconfig'),
    server,
    caFile: path.join(pki, 'ca.crt'),
    ownerPid: opts.detach ? 0 : process.pid,
    pids: {},
    ports: { etcd: etcdClient, etcdPeer, apiserver: apiPort, kwok: kwokPort },
    startedAt: new Date().toISOString(),
    startSeconds: 0,
  };

  const children: { name: string; exited: boolean; code: number | null }[] = [];
  const start = (name: string, args: string[]): void => {
    const out = fs.openSync(path.join(logs, `${name}.log`), 'a');
    const child = spawn(path.join(binDir, name), args, {
      cwd: dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, HOME: dir, KUBECONFIG: '' },
    });
    fs.closeSync(out);
    if (child.pid === undefined) throw new Error(`could not start ${name}`);
    const rec = { name, exited: false, code: null as number | null };
    children.push(rec);
    child.on('exit', (code) => {
      rec.exited = true;
      rec.code = code;
    });
    child.on('error', () => {
      rec.exited = true;
    });
    if (opts.detach) child.unref();
    state.pids[name] = child.pid;
    writeState(state);
  };
  const checkChildren = (): void => {
    const dead = children.find((c) => c.exited);
    if (dead) {
      throw new Error(`${dead.name} exited (code ${dead.code}); last log lines:\n${tail(path.join(logs, `${dead.name}.log`))}`);
    }
  };
  const waitFor = async (what: string, probe: () => Promise<boolean>): Promise<void> => {
    for (;;) {
      checkChildren();
      let ok = false;
      try {
        ok = await probe();
      } catch {
        ok = false;
      }
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
      await sleep(100);
    }
  };

  // Until it is up, an interrupted start must not leave processes behind; afterwards a
  // detached cluster (cluster:up) stays, and an owned one is stopped when this process ends.
  const removeExitHook = stopOnExit(state);
  try {
    writeState(state);
    const etcdUrl = `http://127.0.0.1:${etcdClient}`;
    start('etcd', [
      '--name=default',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=${etcdUrl}`,
      `--advertise-client-urls=${etcdUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ]);
    makePki(pki);
    log(`certificates ready (${elapsed()})`);
    const p = (f: string): string => path.join(pki, f);
    start('kube-apiserver', [
      `--etcd-servers=${etcdUrl}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--tls-cert-file=${p('apiserver.crt')}`,
      `--tls-private-key-file=${p('apiserver.key')}`,
      `--client-ca-file=${p('ca.crt')}`,
      '--authorization-mode=RBAC',
      '--service-cluster-ip-range=10.0.0.0/24',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${p('sa.pub')}`,
      `--service-account-signing-key-file=${p('sa.key')}`,
      '--allow-privileged=true',
      // The endpoint reconciler refuses a loopback address, and nothing here would use the
      // `kubernetes` Service's endpoints (no kube-proxy).
      '--endpoint-reconciler-type=none',
      '--profiling=false',
    ]);
    const tls: Tls = { ca: fs.readFileSync(p('ca.crt')), cert: fs.readFileSync(p('admin.crt')), key: fs.readFileSync(p('admin.key')) };
    fs.writeFileSync(state.kubeconfig, kubeconfigYaml(server, p('ca.crt'), 'admin', p('admin.crt'), p('admin.key')), { mode: 0o600 });
    const componentKubeconfig = (name: string, user: string): string => {
      const f = path.join(dir, `${name}.kubeconfig`);
      fs.writeFileSync(f, kubeconfigYaml(server, p('ca.crt'), user, p(`${name}.crt`), p(`${name}.key`)), { mode: 0o600 });
      return f;
    };
    const kcmKubeconfig = componentKubeconfig('controller-manager', 'system:kube-controller-manager');
    const schedKubeconfig = componentKubeconfig('scheduler', 'system:kube-scheduler');
    const kwokKubeconfig = componentKubeconfig('kwok', 'kwok-controller');

    await waitFor('kube-apiserver /readyz', async () => (await api(server, tls, 'GET', '/readyz')).status === 200);
    log(`kube-apiserver ready at ${server} (${elapsed()})`);

    start('kube-controller-manager', [
      `--kubeconfig=${kcmKubeconfig}`,
      '--leader-elect=false',
      '--secure-port=0',
      `--root-ca-file=${p('ca.crt')}`,
      `--service-account-private-key-file=${p('sa.key')}`,
      '--use-service-account-credentials=true',
      // The default client-side rate limit (20 qps) makes its start take seconds.
      '--kube-api-qps=1000',
      '--kube-api-burst=1000',
      // Fake nodes never really fail: tolerate a Lease renewal that a loaded machine delays.
      '--node-monitor-grace-period=2m',
      `--cluster-signing-cert-file=${p('ca.crt')}`,
      `--cluster-signing-key-file=${p('ca.key')}`,
    ]);
    start('kube-scheduler', [`--kubeconfig=${schedKubeconfig}`, '--leader-elect=false', '--secure-port=0']);
    const created = await api(server, tls, 'POST', '/api/v1/nodes', fakeNode());
    if (created.status !== 201 && created.status !== 409) {
      throw new Error(`creating fake node failed: HTTP ${created.status} ${created.body}`);
    }
    const stageFiles = fs
      .readdirSync(kwokStages)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => `--config=${path.join(kwokStages, f)}`);
    start('kwok', [
      `--kubeconfig=${kwokKubeconfig}`,
      ...stageFiles,
      '--manage-all-nodes=false',
      `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=fake`,
      '--disregard-status-with-annotation-selector=kwok.x-k8s.io/status=custom',
      // A node Lease renewed all the time: without one the node controller only sees the fake node's
      // status heartbeat (every 10 minutes in kwok's stage), marks it NotReady after its grace period
      // and marks its pods not ready with it, which made Deployments flap under load.
      '--node-lease-duration-seconds=40',
      '--node-ip=10.1.0.1',
      `--cidr=${opts.podCidr ?? '10.244.0.0/16'}`,
      `--server-address=127.0.0.1:${kwokPort}`,
    ]);

    await waitFor(`node ${FAKE_NODE_NAME} Ready without taints`, async () => {
      const res = await api(server, tls, 'GET', `/api/v1/nodes/${FAKE_NODE_NAME}`);
      if (res.status !== 200) return false;
      const node = JSON.parse(res.body) as {
        spec?: { taints?: unknown[] };
        status?: { conditions?: { type: string; status: string }[] };
      };
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      return Boolean(ready) && (node.spec?.taints ?? []).length === 0;
    });
    log(`node ${FAKE_NODE_NAME} ready (${elapsed()})`);
    await waitFor('default ServiceAccount', async () =>
      (await api(server, tls, 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200);
    state.startSeconds = Number(((performance.now() - t0) / 1000).toFixed(2));
    writeState(state);
    log(`control plane up in ${elapsed()}`);
    if (opts.detach) removeExitHook();
    return state;
  } catch (err) {
    await stopCluster(state, { keepDir: Boolean(process.env.HERO_JOURNEY_CLUSTER_KEEP_ON_FAILURE) });
    throw err;
  }
}

/**
 * Arranges for the cluster to be torn down when this process exits or is interrupted.
 * Returns a function that cancels that; stopCluster cancels it too.
 */
export function stopOnExit(state: ClusterState): () => void {
  exitHooks.get(state.dir)?.();
  const onExit = (): void => stopClusterSync(state);
  const onSignal = (sig: NodeJS.Signals): void => {
    stopClusterSync(state);
    // When nobody else handles the signal, restore the default action (terminate).
    if (process.listenerCount(sig) <= 1) {
      remove();
      process.kill(process.pid, sig);
    }
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  exitHooks.set(state.dir, remove);
  function remove(): void {
    exitHooks.delete(state.dir);
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
  }
  return remove;
}
