// The HTTPS path of the Hero journey with real components, run as local processes next to a local
// control plane (test/cluster): pebble, Let's Encrypt's ACME test server, with its own root CA;
// pebble-challtestsrv as the DNS server that pebble and cert-manager's self-check ask; cert-manager's
// controller; Traefik with its Kubernetes Ingress provider; and a runner that does a kubelet's job
// for the two kinds of pod the HTTPS path needs to answer (cert-manager's HTTP-01 solver and Hero).
//
// Addresses: every run takes its own Traefik address 127.A.B.1, where Traefik listens,
// ports 80 and 443, as an ingress controller's LoadBalancer would; kwok gives pods addresses in
// 10.A.(B+1).0/24 (added to the loopback interface while the pod runs), and the runner listens on
// a pod's address and port and hands each connection
// to the pod's program, which runs on a free port of 127.0.0.1. Hero's names resolve to 127.A.B.1
// through the DNS server for pebble and cert-manager, and through a hosts file for the learner's
// side (see learnerCommand). The HTTP-01 challenge is validated for real: pebble fetches the token
// from Traefik, which routes to the solver's Service like any Ingress.
//
// No vitest imports: the integration test and `npm run demo:https` both use this module.
import { execFile, execFileSync, type ChildProcess, spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  adminRequest,
  clusterProcessLog,
  freePorts,
  signServerCertificate,
  startCluster,
  startClusterProcess,
  stopCluster,
  stopClusterProcess,
  type ClusterState,
} from '../cluster/cluster.ts';
import { startControllers } from './controllers.ts';

const exec = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
export const componentsBuildScript = path.join(here, 'build.sh');
/** The image cert-manager puts in its solver pods; the runner runs the locally built acmesolver for it. */
export const SOLVER_IMAGE = 'hero-journey.test/cert-manager-acmesolver:local';
export const COMPONENTS = ['pebble', 'cert-manager', 'traefik'] as const;
export type Component = (typeof COMPONENTS)[number];

/** The component's bin folder when build.sh has built it completely, else undefined. */
export function builtComponent(name: Component): string | undefined {
  const bin = execFileSync('bash', [componentsBuildScript, '--print', name], { encoding: 'utf8' }).trim();
  return fs.existsSync(path.join(bin, '..', 'COMPLETE')) ? bin : undefined;
}

/** Why the HTTPS stack cannot run on this machine (a sentence), or undefined when it can. */
export function httpsStackUnavailable(): string | undefined {
  const missing = COMPONENTS.filter((c) => !builtComponent(c));
  if (missing.length > 0) {
    return `the HTTPS components ${missing.join(', ')} are not built: run \`bash test/components/build.sh ${missing.join(' ')}\` (needs Go >= 1.26 and the Go module proxy)`;
  }
  if (process.getuid?.() !== 0) return 'Traefik must listen on ports 80 and 443 of a loopback address, which needs root';
  try {
    execFileSync('unshare', ['-m', '--', 'true'], { stdio: 'ignore' });
  } catch {
    return 'the learner\'s side resolves Hero\'s name through a hosts file of its own, which needs `unshare -m` (a private mount namespace)';
  }
  return undefined;
}

export interface HttpsStackOptions {
  /** Names pebble refuses to issue for (its domainBlocklist). */
  refusedNames?: string[];
  /** Programs the runner starts for pods of these images (the image as in the pod spec). */
  localImages?: Record<string, string>;
  log?: (msg: string) => void;
}

export interface HttpsStack {
  cluster: ClusterState;
  /** Where Traefik answers, ports 80 and 443: the ingress controller's address. */
  ingressIp: string;
  /** pebble's ACME directory URL. */
  acmeDirectory: string;
  /** PEM file of pebble's root CA (what a learner would add to the trusted CAs). */
  rootCaFile: string;
  /** A file that trusts pebble's root CA and the cluster's CA, for curl and Node. */
  trustBundle: string;
  /** The DNS server (host:port) that answers every name with ingressIp. */
  dnsServer: string;
  /** Processes the runner started for pods, by pod (namespace/name). */
  runningPods(): string[];
  stopCertManager(): Promise<void>;
  startCertManager(): Promise<void>;
  /** A hosts file that maps these names to the ingress address. */
  hostsFile(names: string[]): string;
  stop(): Promise<void>;
}

/**
 * A command line that runs CMD as the learner's machine would: Hero's names resolve to the ingress
 * address through HOSTS (a private mount namespace where it is /etc/hosts), nothing else changes.
 */
export function learnerCommand(hostsFile: string, cmd: string, args: string[]): [string, string[]] {
  return ['unshare', ['-m', '--', 'sh', '-c', 'mount --bind "$0" /etc/hosts && exec "$@"', hostsFile, cmd, ...args]];
}

/** Starts a control plane and the HTTPS components around it. */
export async function startHttpsStack(opts: HttpsStackOptions = {}): Promise<HttpsStack> {
  const log = opts.log ?? ((msg: string) => process.stderr.write(`[https-stack] ${msg}\n`));
  const bins = Object.fromEntries(COMPONENTS.map((c) => [c, builtComponent(c)])) as Record<Component, string | undefined>;
  for (const c of COMPONENTS) if (!bins[c]) throw new Error(`component ${c} is not built: bash test/components/build.sh ${c}`);
  const a = randomInt(64, 255);
  const b = randomInt(0, 127) * 2;
  const ingressIp = `127.${a}.${b}.1`;
  // EndpointSlices refuse loopback addresses, so pods get 10.A.(B+1).0/24; the runner adds a pod's
  // address to the loopback interface while it runs the pod.
  const cluster = await startCluster({ podCidr: `10.${a}.${b + 1}.0/24`, log });
  const stack: { stopped: boolean; runner?: PodRunner } = { stopped: false };
  try {
    const dir = cluster.dir;
    const kubectl = (args: string[], input?: string): Promise<string> => kubectlRun(cluster, args, input);
    const [acmePort, acmeMgmt, dnsPort, dnsMgmt, traefikPing] = (await freePorts(5)) as [number, number, number, number, number];
    const dnsServer = `127.0.0.1:${dnsPort}`;

    // DNS for pebble and cert-manager's self-check: every name is the ingress address.
    startClusterProcess(cluster, 'pebble-challtestsrv', path.join(bins.pebble!, 'pebble-challtestsrv'), [
      `-dnsserver=${dnsServer}`, `-management=127.0.0.1:${dnsMgmt}`, `-defaultIPv4=${ingressIp}`, '-defaultIPv6=',
      '-http01=', '-https01=', '-tlsalpn01=', '-doh=',
    ]);

    // pebble, with a listener certificate from the cluster's CA (which cert-manager is told to trust).
    const listener = signServerCertificate(cluster, 'pebble', ['IP:127.0.0.1', 'DNS:localhost']);
    const pebbleConfig = path.join(dir, 'pebble-config.json');
    fs.writeFileSync(pebbleConfig, JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${acmePort}`,
        managementListenAddress: `127.0.0.1:${acmeMgmt}`,
        certificate: listener.cert,
        privateKey: listener.key,
        // Validation goes where Let's Encrypt's goes: port 80 (HTTP-01) of the name's address.
        httpPort: 80,
        tlsPort: 443,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
        domainBlocklist: opts.refusedNames ?? [],
        retryAfter: { authz: 1, order: 1 },
        keyAlgorithm: 'ecdsa',
        profiles: { default: { description: 'hero-journey tests', validityPeriod: 7_776_000 } },
      },
    }, null, 2));
    startClusterProcess(cluster, 'pebble', path.join(bins.pebble!, 'pebble'), [`-config=${pebbleConfig}`, `-dnsserver=${dnsServer}`], {
      // pebble's documented test switches: no random wait before validating, no random bad nonces.
      PEBBLE_VA_NOSLEEP: '1',
      PEBBLE_WFE_NONCEREJECT: '0',
    });
    const acmeDirectory = `https://127.0.0.1:${acmePort}/dir`;
    const caPem = fs.readFileSync(cluster.caFile);
    const rootPem = await waitFor('pebble\'s root CA', 60_000, async () => {
      const res = await httpsGetText(`https://127.0.0.1:${acmeMgmt}/roots/0`, caPem);
      return res.status === 200 && res.body.includes('BEGIN CERTIFICATE') ? res.body : undefined;
    }, () => clusterProcessLog(cluster, 'pebble'));
    const rootCaFile = path.join(dir, 'pebble-root.pem');
    fs.writeFileSync(rootCaFile, rootPem);
    const trustBundle = path.join(dir, 'trust-bundle.pem');
    fs.writeFileSync(trustBundle, `${rootPem.trim()}\n${caPem.toString('utf8').trim()}\n`);
    log(`pebble ready at ${acmeDirectory}`);

    // cert-manager: its CRDs from the same version, its namespace, its controller out of cluster.
    const crds = path.join(bins['cert-manager']!, '..', 'crds');
    await kubectl(['apply', '--server-side', '-f', crds]);
    await kubectl(['wait', '--for=condition=Established', '--timeout=60s', 'crd/certificates.cert-manager.io', 'crd/clusterissuers.cert-manager.io',
      'crd/certificaterequests.cert-manager.io', 'crd/orders.acme.cert-manager.io', 'crd/challenges.acme.cert-manager.io', 'crd/issuers.cert-manager.io']);
    await kubectl(['create', 'namespace', 'cert-manager']);
    const startCertManager = async (): Promise<void> => {
      startClusterProcess(cluster, 'cert-manager-controller', path.join(bins['cert-manager']!, 'cert-manager-controller'), [
        `--kubeconfig=${cluster.kubeconfig}`,
        '--cluster-resource-namespace=cert-manager',
        `--acme-http01-solver-nameservers=${dnsServer}`,
        `--acme-http01-solver-image=${SOLVER_IMAGE}`,
      ], { SSL_CERT_FILE: cluster.caFile });
      await sleep(200);
      if (!alive(cluster.pids['cert-manager-controller'])) throw new Error(`cert-manager-controller exited:\n${clusterProcessLog(cluster, 'cert-manager-controller')}`);
    };
    await startCertManager();
    log('cert-manager controller started');

    // Traefik: what its Helm chart sets up (namespace, ServiceAccount, read access, IngressClass).
    await kubectl(['apply', '-f', '-'], traefikManifests());
    const tokenFile = path.join(dir, 'traefik.token');
    fs.writeFileSync(tokenFile, (await kubectl(['create', 'token', 'traefik', '-n', 'traefik', '--duration=24h'])).trim(), { mode: 0o600 });
    startClusterProcess(cluster, 'traefik', path.join(bins.traefik!, 'traefik'), [
      `--entryPoints.web.address=${ingressIp}:80`,
      `--entryPoints.websecure.address=${ingressIp}:443`,
      '--entryPoints.websecure.http.tls=true',
      `--entryPoints.traefik.address=127.0.0.1:${traefikPing}`,
      '--ping=true',
      '--providers.kubernetesingress=true',
      `--providers.kubernetesingress.endpoint=${cluster.server}`,
      `--providers.kubernetesingress.token=${tokenFile}`,
      `--providers.kubernetesingress.certAuthFilePath=${cluster.caFile}`,
      '--providers.kubernetesingress.throttleDuration=0s',
      '--global.checkNewVersion=false',
      '--global.sendAnonymousUsage=false',
      '--log.level=INFO',
    ]);
    await waitFor('Traefik /ping', 60_000, async () => (await httpGetStatus(`http://127.0.0.1:${traefikPing}/ping`)) === 200, () => clusterProcessLog(cluster, 'traefik'));
    log(`Traefik answers at ${ingressIp}:80 and :443`);

    const images: Record<string, LocalProgram> = { [SOLVER_IMAGE]: { file: path.join(bins['cert-manager']!, 'acmesolver'), portFlag: '--listen-port' } };
    for (const [image, file] of Object.entries(opts.localImages ?? {})) images[image] = { file, portEnv: 'PORT' };
    stack.runner = new PodRunner(cluster, images, log);
    stack.runner.start();

    return {
      cluster,
      ingressIp,
      acmeDirectory,
      rootCaFile,
      trustBundle,
      dnsServer,
      runningPods: () => stack.runner?.running() ?? [],
      stopCertManager: () => stopClusterProcess(cluster, 'cert-manager-controller'),
      startCertManager,
      hostsFile(names: string[]): string {
        const file = path.join(dir, `hosts-${names.length}-${randomInt(1e9)}`);
        fs.writeFileSync(file, `127.0.0.1 localhost\n::1 localhost\n${names.map((n) => `${ingressIp} ${n}`).join('\n')}\n`);
        return file;
      },
      async stop(): Promise<void> {
        if (stack.stopped) return;
        stack.stopped = true;
        await stack.runner?.stop();
        await stopCluster(cluster);
      },
    };
  } catch (error) {
    await stack.runner?.stop();
    await stopCluster(cluster, { keepDir: Boolean(process.env.HERO_JOURNEY_CLUSTER_KEEP_ON_FAILURE) });
    throw error;
  }
}

function traefikManifests(): string {
  return `apiVersion: v1
kind: Namespace
metadata: { name: traefik }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: traefik, namespace: traefik }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: traefik }
rules:
  - apiGroups: [""]
    resources: [services, secrets, nodes, endpoints]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io, extensions]
    resources: [ingresses, ingressclasses]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io, extensions]
    resources: [ingresses/status]
    verbs: [update]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: traefik }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: traefik }
subjects:
  - { kind: ServiceAccount, name: traefik, namespace: traefik }
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: { name: traefik }
spec: { controller: traefik.io/ingress-controller }
`;
}

/** kubectl against the stack's cluster as its admin; rejects with its stderr. */
export async function kubectlRun(cluster: ClusterState, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(cluster.binDir, 'kubectl'), args, {
      env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HOME: cluster.dir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`kubectl ${args.join(' ')} exited ${code}: ${err.trim()}`))));
    child.stdin.end(input ?? '');
  });
}

interface LocalProgram {
  file: string;
  /** The flag that carries the listening port (it gets a free port of 127.0.0.1 instead). */
  portFlag?: string;
  /** The environment variable that carries the listening port. */
  portEnv?: string;
}

interface PodSpecLike {
  metadata: { namespace: string; name: string; uid: string; deletionTimestamp?: string };
  spec: { containers: { image: string; args?: string[]; command?: string[]; env?: { name: string; value?: string }[]; ports?: { containerPort: number }[] }[] };
  status?: { podIP?: string; phase?: string };
}

interface RunningPod {
  uid: string;
  child: ChildProcess;
  servers: net.Server[];
  podIp: string;
}

/** Adds or removes a pod's address on the loopback interface (a kubelet's network plugin, in short). */
function loopbackAddress(op: 'add' | 'del', ip: string): void {
  try {
    execFileSync('ip', ['addr', op, `${ip}/32`, 'dev', 'lo'], { stdio: 'ignore' });
  } catch {
    // already there (add) or already gone (del)
  }
}

/**
 * Does a kubelet's job for pods whose image has a local program: runs the program with the pod's
 * arguments and literal environment on a free port of 127.0.0.1, and listens on the pod's address
 * and container port (kwok gave it a loopback address) to hand each connection over to it.
 */
class PodRunner {
  private pods = new Map<string, RunningPod>();
  private timer: NodeJS.Timeout | undefined;
  private busy = false;

  private cluster: ClusterState;
  private images: Record<string, LocalProgram>;
  private log: (msg: string) => void;

  constructor(cluster: ClusterState, images: Record<string, LocalProgram>, log: (msg: string) => void) {
    this.cluster = cluster;
    this.images = images;
    this.log = log;
  }

  start(): void {
    const tick = async (): Promise<void> => {
      if (this.busy) return;
      this.busy = true;
      try {
        await this.sync();
      } catch (error) {
        this.log(`pod runner: ${(error as Error).message}`);
      } finally {
        this.busy = false;
      }
    };
    this.timer = setInterval(() => void tick(), 250);
    void tick();
  }

  running(): string[] {
    return [...this.pods.keys()];
  }

  private async sync(): Promise<void> {
    const res = await adminRequest(this.cluster, 'GET', '/api/v1/pods');
    if (res.status !== 200) return;
    const pods = (JSON.parse(res.body) as { items: PodSpecLike[] }).items;
    const wanted = new Map<string, PodSpecLike>();
    for (const pod of pods) {
      const container = pod.spec.containers[0];
      if (!container || !this.images[container.image] || !pod.status?.podIP || pod.metadata.deletionTimestamp) continue;
      wanted.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
    }
    for (const [key, running] of this.pods) {
      if (wanted.get(key)?.metadata.uid !== running.uid) await this.kill(key);
    }
    for (const [key, pod] of wanted) if (!this.pods.has(key)) await this.run(key, pod);
  }

  private async run(key: string, pod: PodSpecLike): Promise<void> {
    const container = pod.spec.containers[0]!;
    const program = this.images[container.image]!;
    const ports = (container.ports ?? []).map((p) => p.containerPort);
    let args = [...(container.args ?? [])];
    const [localPort] = (await freePorts(1)) as [number];
    let targetPort = ports[0];
    if (program.portFlag) {
      const flag = program.portFlag;
      const given = args.find((x) => x.startsWith(`${flag}=`));
      targetPort = given ? Number(given.slice(flag.length + 1)) : targetPort;
      args = [...args.filter((x) => !x.startsWith(`${flag}=`)), `${flag}=${localPort}`];
    }
    if (!targetPort) return;
    const env: Record<string, string> = {};
    for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    if (program.portEnv) env[program.portEnv] = String(localPort);
    const name = `pod-${pod.metadata.namespace}-${pod.metadata.name}`;
    const child = startClusterProcess(this.cluster, name, program.file, args, env);
    const podIp = pod.status!.podIP!;
    const server = net.createServer((socket) => {
      const upstream = net.connect(localPort, '127.0.0.1');
      socket.pipe(upstream).pipe(socket);
      const close = (): void => {
        socket.destroy();
        upstream.destroy();
      };
      socket.on('error', close);
      upstream.on('error', close);
    });
    loopbackAddress('add', podIp);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(targetPort, podIp, () => resolve());
    });
    this.pods.set(key, { uid: pod.metadata.uid, child, servers: [server], podIp });
    this.log(`runs pod ${key} (${container.image}) at ${podIp}:${targetPort}`);
  }

  private async kill(key: string): Promise<void> {
    const running = this.pods.get(key);
    if (!running) return;
    this.pods.delete(key);
    for (const s of running.servers) s.close();
    loopbackAddress('del', running.podIp);
    const name = Object.entries(this.cluster.pids).find(([, pid]) => pid === running.child.pid)?.[0];
    if (name) await stopClusterProcess(this.cluster, name);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (const key of [...this.pods.keys()]) await this.kill(key);
  }
}

function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined | false>, logTail: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; its log ends:\n${logTail()}`);
    await sleep(200);
  }
}

function httpsGetText(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { ca, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function httpGetStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = net.connect(Number(u.port), u.hostname, () => {
      req.write(`GET ${u.pathname} HTTP/1.0\r\nHost: ${u.host}\r\n\r\n`);
    });
    let data = '';
    req.on('data', (d: Buffer) => (data += d.toString()));
    req.on('end', () => resolve(Number(/^HTTP\/\d\.\d (\d+)/.exec(data)?.[1] ?? 0)));
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
  });
}

/**
 * Runs Hero's built app (buildHeroApp) as a local process on a free port of 127.0.0.1 with `env`
 * as its whole environment besides PATH and HOME (a container's env), logging into `dir`, and waits
 * until /healthz answers.
 */
export async function runHeroApp(binary: string, dir: string, env: Record<string, string>): Promise<{ url: string; log: string; stop: () => Promise<void> }> {
  const [port] = (await freePorts(1)) as [number];
  const app = startControllers(path.dirname(binary), dir, { [path.basename(binary)]: [] }, { ...env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  const log = app.logs[path.basename(binary)]!;
  try {
    await waitFor(`Hero at ${url}`, 30_000, async () => (await httpGetStatus(`${url}/healthz`)) === 200, () => fs.readFileSync(log, 'utf8'));
  } catch (error) {
    await app.stop();
    throw error;
  }
  return { url, log, stop: app.stop };
}

/** Builds Hero's app from a workspace (its `app` folder) into OUT with the machine's Go. */
export async function buildHeroApp(workspace: string, out: string): Promise<string> {
  const goBin = fs.existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : 'go';
  await exec(goBin, ['build', '-trimpath', '-o', out, '.'], {
    cwd: path.join(workspace, 'app'),
    env: { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  return out;
}
