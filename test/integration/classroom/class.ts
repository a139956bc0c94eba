// A class of attendees on the local control plane, for the classroom tests and the benchmark:
// each attendee is a client-certificate user with their own namespace (their kubeconfig's
// context namespace), allowed to do anything with ConfigMaps there and nothing elsewhere.
// Also: kubeconfigs for clusters that are not there (a closed port) or never answer.
// No vitest imports: bench/classroom.ts uses this too.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mintUser } from '../../cluster/cluster.ts';

export const workshopJourney = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'workshop');

export interface ClusterCoordinates {
  dir: string;
  server: string;
  caFile: string;
  kubeconfig: string;
  binDir: string;
}

export interface ClassAttendee {
  name: string;
  namespace: string;
  kubeconfig: string;
}

/** Run kubectl as the cluster admin; resolves with stdout, rejects with stderr. */
export function adminKubectl(cluster: ClusterCoordinates, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      path.join(cluster.binDir, 'kubectl'),
      [`--kubeconfig=${cluster.kubeconfig}`, ...args],
      { maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`)) : resolve(String(stdout))),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Create `names.length` attendees: a namespace and a user each, with a Role binding on ConfigMaps there. */
export async function makeClass(cluster: ClusterCoordinates, names: string[], options: { outDir: string }): Promise<ClassAttendee[]> {
  fs.mkdirSync(options.outDir, { recursive: true });
  const objects: unknown[] = [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name: 'classroom-attendee' },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] }],
    },
  ];
  for (const name of names) {
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    objects.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: 'classroom-attendee', namespace: name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'classroom-attendee' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name }],
    });
  }
  await adminKubectl(cluster, ['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }));
  return names.map((name) => {
    const minted = mintUser(cluster, name, ['classroom:attendees']);
    const kubeconfig = path.join(options.outDir, `${name}.kubeconfig`);
    fs.writeFileSync(kubeconfig, selfContained(withNamespace(fs.readFileSync(minted, 'utf8'), name, name)), { mode: 0o600 });
    return { name, namespace: name, kubeconfig };
  });
}

/**
 * The kubeconfig with the files it names (CA, client certificate and key) put inside it, as an
 * attendee hands it over: verify refuses files outside the kubeconfig's own folder.
 */
export function selfContained(yaml: string): string {
  return yaml.replace(/^( +)(certificate-authority|client-certificate|client-key): (".*")$/gm, (_line, indent: string, field: string, file: string) => {
    return `${indent}${field}-data: ${fs.readFileSync(JSON.parse(file) as string).toString('base64')}`;
  });
}

/** The minted kubeconfig with its context renamed and pointed at `namespace`. */
function withNamespace(yaml: string, context: string, namespace: string): string {
  return yaml
    .replace(/^- name: hero-journey-test\n  context:/m, `- name: ${context}\n  context:`)
    .replace(/^current-context: hero-journey-test$/m, `current-context: ${context}`)
    .replace(/^    namespace: default$/m, `    namespace: ${namespace}`);
}

/** A kubeconfig for a cluster at `server` (a closed port, a server that never answers), reusing a real user's credentials. */
export function kubeconfigFor(server: string, template: string, file: string, context: string): string {
  const yaml = fs.readFileSync(template, 'utf8').replace(/^    server: .*$/m, `    server: ${JSON.stringify(server)}`);
  fs.writeFileSync(file, yaml.replace(/^current-context: .*$/m, `current-context: ${context}`).replace(/^- name: [^\n]+\n  context:/m, `- name: ${context}\n  context:`), { mode: 0o600 });
  return file;
}

/** A loopback port where nothing listens (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A loopback server that accepts connections and never says anything; mostAtOnce: the most connections it held at one time. */
export async function silentServer(): Promise<{ port: number; mostAtOnce: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  let most = 0;
  const server = net.createServer((socket) => {
    sockets.add(socket);
    most = Math.max(most, sockets.size);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    mostAtOnce: () => most,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Make ConfigMap `name` in `namespace` hold `data` (create or replace). */
export async function putConfigMap(cluster: ClusterCoordinates, namespace: string, name: string, data: Record<string, string>): Promise<void> {
  await adminKubectl(cluster, ['apply', '--server-side', '--force-conflicts', '--field-manager=classroom-test', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }));
}
