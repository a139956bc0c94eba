// Which kubeconfig the learner means, merged the way kubectl merges it. No client-node here: this
// runs (and is unit-tested) without loading the Kubernetes client.
import { constants } from 'node:fs';
import { open, readFile, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { parse as parseYaml } from '../yaml.ts';
import { KubeError } from './errors.ts';

/** How the learner named their cluster: flags over environment, like kubectl. */
export interface KubeSelection {
  /** --kubeconfig: replaces $KUBECONFIG. */
  kubeconfig?: string;
  /** --context: replaces the kubeconfig's current-context. */
  context?: string;
  /** Environment to read KUBECONFIG and HOME from. */
  env: NodeJS.ProcessEnv;
  /** Folder relative --kubeconfig paths start from. */
  cwd: string;
  /**
   * Folder every file the kubeconfig names (token, certificates, key) must stay in, judged by its
   * real path: set for kubeconfigs from someone else. Unset: files may be anywhere (your own).
   */
  confine?: string;
  /** What to do when the kubeconfig file does not exist, instead of the usual fix (a file that a chapter names). */
  missingHint?: string;
}

/** A kubeconfig merged from its files, with the context in use resolved. */
export interface ResolvedKubeconfig {
  /** Files read, in order (missing list entries are left out). */
  files: string[];
  /** The merged document, with every file path made absolute. */
  config: KubeconfigDocument;
  context: string;
  cluster: string;
  user: string;
  server: string;
  namespace: string;
}

export interface KubeconfigDocument {
  apiVersion: 'v1';
  kind: 'Config';
  'current-context'?: string;
  clusters: Array<{ name: string; cluster: Record<string, unknown> }>;
  users: Array<{ name: string; user: Record<string, unknown> }>;
  contexts: Array<{ name: string; context: { cluster?: string; user?: string; namespace?: string } & Record<string, unknown> }>;
}

/** The kubeconfig files kubectl would read: --kubeconfig, else $KUBECONFIG (a list), else ~/.kube/config. */
export function kubeconfigFiles(selection: Pick<KubeSelection, 'kubeconfig' | 'env' | 'cwd'>): { files: string[]; explicit: boolean } {
  if (selection.kubeconfig) return { files: [resolve(selection.cwd, selection.kubeconfig)], explicit: true };
  const list = selection.env.KUBECONFIG;
  if (list) return { files: list.split(delimiter).filter(Boolean).map((f) => resolve(selection.cwd, f)), explicit: false };
  return { files: [join(selection.env.HOME || homedir(), '.kube', 'config')], explicit: false };
}

/** Read and merge the learner's kubeconfig; a KubeError (code `config`) says what is wrong and how to fix it. */
export async function resolveKubeconfig(selection: KubeSelection): Promise<ResolvedKubeconfig> {
  const { files, explicit } = kubeconfigFiles(selection);
  const documents: Array<{ file: string; data: unknown }> = [];
  for (const file of files) {
    const read = await readKubeconfigFile(file);
    if ('readError' in read) {
      // kubectl skips missing entries of a KUBECONFIG list; a file named by --kubeconfig must exist.
      if (read.code === 'ENOENT' && !explicit) continue;
      throw new KubeError('config', `cannot read the kubeconfig ${file}: ${read.code === 'ENOENT' ? 'the file does not exist' : read.readError}`, {
        hint: (read.code === 'ENOENT' ? selection.missingHint : undefined) ?? 'pass an existing file with --kubeconfig, or leave it out to use $KUBECONFIG or ~/.kube/config',
      });
    }
    if ('yamlError' in read) {
      throw new KubeError('config', `the kubeconfig ${file} is not valid YAML: ${read.yamlError}`, {
        hint: 'fix the file, or export a fresh one from your cluster',
      });
    }
    documents.push({ file, data: read.data });
  }
  if (documents.length === 0) {
    throw new KubeError('config', `no kubeconfig found: ${files.join(', ')} ${files.length === 1 ? 'does' : 'do'} not exist`, {
      hint: selection.missingHint ?? 'create a cluster (for example `kind create cluster`, which writes ~/.kube/config), or point KUBECONFIG or --kubeconfig at your cluster\'s kubeconfig',
    });
  }
  const config = mergeKubeconfigs(documents);
  return selectContext(config, documents.map((d) => d.file), selection.context);
}

/** A kubeconfig file as parsed YAML, or why it could not be read (`yamlError`: the parser's first line). */
export type KubeconfigFile = { data: unknown } | { readError: string; code?: string } | { yamlError: string };

const parsedFiles = new Map<string, { mtimeMs: number; size: number; result: Promise<KubeconfigFile> }>();

/**
 * Read and parse one kubeconfig file. Parsed files are kept while their size and modification
 * time stay the same: `verify` reads every attendee's file when it lists the class and again
 * when it connects, and a class of 200 would otherwise parse 400 files of certificates.
 */
export async function readKubeconfigFile(file: string): Promise<KubeconfigFile> {
  let info: { mtimeMs: number; size: number };
  try {
    info = await stat(file);
  } catch (error) {
    return { readError: (error as Error).message, ...((error as NodeJS.ErrnoException).code ? { code: (error as NodeJS.ErrnoException).code! } : {}) };
  }
  const kept = parsedFiles.get(file);
  if (kept && kept.mtimeMs === info.mtimeMs && kept.size === info.size) return kept.result;
  const result = readFile(file, 'utf8').then(
    (text): KubeconfigFile => {
      try {
        return { data: parseYaml(text) };
      } catch (error) {
        return { yamlError: (error as Error).message.split('\n')[0] ?? '' };
      }
    },
    (error: NodeJS.ErrnoException): KubeconfigFile => ({ readError: error.message, ...(error.code ? { code: error.code } : {}) }),
  );
  parsedFiles.set(file, { mtimeMs: info.mtimeMs, size: info.size, result });
  return result;
}

/**
 * Merge kubeconfig documents kubectl's way: the first file that sets `current-context` wins, and
 * for clusters, users and contexts with the same name the first one wins. Relative file paths are
 * made absolute against the folder of the file they come from.
 */
export function mergeKubeconfigs(documents: Array<{ file: string; data: unknown }>): KubeconfigDocument {
  const merged: KubeconfigDocument = { apiVersion: 'v1', kind: 'Config', clusters: [], users: [], contexts: [] };
  for (const { file, data } of documents) {
    if (!isRecord(data)) continue;
    const base = dirname(file);
    const current = data['current-context'];
    if (merged['current-context'] === undefined && typeof current === 'string' && current) merged['current-context'] = current;
    for (const entry of namedEntries(data.clusters, 'cluster')) {
      if (merged.clusters.some((c) => c.name === entry.name)) continue;
      merged.clusters.push({ name: entry.name, cluster: absolutePaths(entry.value, base, CLUSTER_FILES) });
    }
    for (const entry of namedEntries(data.users, 'user')) {
      if (merged.users.some((u) => u.name === entry.name)) continue;
      const user = absolutePaths(entry.value, base, USER_FILES);
      const exec = user.exec;
      if (isRecord(exec) && typeof exec.command === 'string' && exec.command.includes('/') && !isAbsolute(exec.command)) {
        user.exec = { ...exec, command: resolve(base, exec.command) };
      }
      merged.users.push({ name: entry.name, user });
    }
    for (const entry of namedEntries(data.contexts, 'context')) {
      if (merged.contexts.some((c) => c.name === entry.name)) continue;
      merged.contexts.push({ name: entry.name, context: entry.value });
    }
  }
  return merged;
}

/** Pick the context (flag, else current-context) and check that its cluster and user exist. */
export function selectContext(config: KubeconfigDocument, files: string[], wanted?: string): ResolvedKubeconfig {
  const names = config.contexts.map((c) => c.name);
  const listed = names.length > 0 ? `its contexts are: ${names.join(', ')}` : 'it has no contexts';
  const contextName = wanted ?? config['current-context'];
  if (!contextName) {
    throw new KubeError('config', `your kubeconfig (${files.join(', ')}) names no current context`, {
      hint: names.length > 0 ? `pick one: \`kubectl config use-context ${names[0]}\`, or pass --context NAME (${listed})` : 'create a cluster (for example `kind create cluster`) or point KUBECONFIG at its kubeconfig',
    });
  }
  const context = config.contexts.find((c) => c.name === contextName);
  if (!context) {
    throw new KubeError('config', `context "${contextName}" is not in your kubeconfig (${files.join(', ')}); ${listed}`, {
      hint: names.length > 0 ? `use one of them: --context ${names[0]}, or \`kubectl config use-context NAME\`` : 'create a cluster (for example `kind create cluster`) first',
    });
  }
  const clusterName = context.context.cluster ?? '';
  const cluster = config.clusters.find((c) => c.name === clusterName);
  if (!cluster) {
    throw new KubeError('config', `context "${contextName}" points at cluster "${clusterName}", which your kubeconfig does not define`, {
      hint: 'export a fresh kubeconfig from the cluster, or fix the context with `kubectl config set-context`',
    });
  }
  const server = typeof cluster.cluster.server === 'string' ? cluster.cluster.server : '';
  if (!server) {
    throw new KubeError('config', `cluster "${clusterName}" in your kubeconfig has no server URL`, { hint: 'export a fresh kubeconfig from the cluster' });
  }
  const userName = context.context.user ?? '';
  if (userName && !config.users.some((u) => u.name === userName)) {
    throw new KubeError('config', `context "${contextName}" uses user "${userName}", which your kubeconfig does not define`, {
      hint: 'export a fresh kubeconfig from the cluster, or log in again',
    });
  }
  return {
    files,
    config: { ...config, 'current-context': contextName },
    context: contextName,
    cluster: clusterName,
    user: userName,
    server,
    namespace: context.context.namespace || 'default',
  };
}

function namedEntries(list: unknown, key: string): Array<{ name: string; value: Record<string, unknown> }> {
  if (!Array.isArray(list)) return [];
  const out: Array<{ name: string; value: Record<string, unknown> }> = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string') continue;
    out.push({ name: item.name, value: isRecord(item[key]) ? { ...item[key] } : {} });
  }
  return out;
}

function absolutePaths(value: Record<string, unknown>, base: string, fields: ReadonlyMap<string, string>): Record<string, unknown> {
  const out = { ...value };
  for (const [key, path] of Object.entries(out)) {
    if (fields.has(fieldKey(key)) && typeof path === 'string' && path && !isAbsolute(path)) out[key] = resolve(base, path);
  }
  return out;
}

/** A field name whatever its spelling: kubectl reads `tokenFile`, the Kubernetes client `token-file`. */
function fieldKey(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, '');
}

/** Fields that name a local file (in any spelling), and what the file holds. */
const CLUSTER_FILES: ReadonlyMap<string, string> = new Map([['certificateauthority', 'certificate authority']]);
const USER_FILES: ReadonlyMap<string, string> = new Map([
  ['clientcertificate', 'client certificate'],
  ['clientkey', 'client key'],
  ['tokenfile', 'token'],
]);
/** Credential files are small: a token, a key, a certificate chain or CA bundle (a system bundle is about 200 KiB). */
const MAX_CREDENTIAL_BYTES = 1024 * 1024;

/** A local file a kubeconfig's cluster or user names: the field as spelled, what it holds, its absolute path. */
export interface CredentialFile {
  owner: 'cluster' | 'user';
  /** The cluster's or user's name. */
  name: string;
  field: string;
  what: string;
  path: string;
}

/** Every local file the context's cluster and user name, in every spelling kubectl or the Kubernetes client reads. */
export function credentialFiles(config: KubeconfigDocument, contextName: string): CredentialFile[] {
  const context = config.contexts.find((c) => c.name === contextName)?.context;
  const files: CredentialFile[] = [];
  const collect = (owner: CredentialFile['owner'], name: string | undefined, value: Record<string, unknown> | undefined, fields: ReadonlyMap<string, string>) => {
    if (!value || name === undefined) return;
    for (const [field, path] of Object.entries(value)) {
      const what = fields.get(fieldKey(field));
      if (what && typeof path === 'string' && path) files.push({ owner, name, field, what, path });
    }
  };
  collect('cluster', context?.cluster, config.clusters.find((c) => c.name === context?.cluster)?.cluster, CLUSTER_FILES);
  collect('user', context?.user, config.users.find((u) => u.name === context?.user)?.user, USER_FILES);
  return files;
}

/** Whether `path`, with every symlink followed, lies outside `folder` (also with its symlinks followed). */
export async function leavesFolder(path: string, folder: string): Promise<boolean> {
  const rel = relative(await realPath(folder), await realPath(path));
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** The real path; for a file that does not exist (yet), its nearest existing folder's real path joined with the rest. */
async function realPath(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    const parent = dirname(path);
    return parent === path ? path : join(await realPath(parent), basename(path));
  }
}

/**
 * What the Kubernetes client loads: the selected context alone, with its cluster and user cut
 * down to the fields the client understands and every file they name already read here (at most
 * 1 MiB, regular files only, inside `selection.confine` when set) and passed as data, so the
 * client itself never reads a file. `secrets` are the values no message may show.
 */
export async function clientKubeconfig(resolved: ResolvedKubeconfig, confine?: string): Promise<{ document: KubeconfigDocument; secrets: string[] }> {
  const files = credentialFiles(resolved.config, resolved.context);
  const one = (owner: CredentialFile['owner'], what: string): CredentialFile | undefined => {
    const named = files.filter((f) => f.owner === owner && f.what === what);
    const paths = new Set(named.map((f) => f.path));
    if (paths.size > 1) {
      throw new KubeError('config', `${owner} "${named[0]!.name}" names its ${what} file ${paths.size} times, differently (${named.map((f) => f.field).join(', ')})`, {
        hint: `keep one of them: kubectl reads ${owner === 'user' && what === 'token' ? 'tokenFile' : named[0]!.field.toLowerCase()}`,
      });
    }
    return named[0];
  };
  const read = async (file: CredentialFile | undefined): Promise<Buffer | undefined> => (file ? readCredentialFile(file, confine) : undefined);
  const cluster = resolved.config.clusters.find((c) => c.name === resolved.cluster)!.cluster;
  const user = resolved.config.users.find((u) => u.name === resolved.user)?.user ?? {};
  const secrets: string[] = [];
  const [ca, cert, key, tokenFile] = await Promise.all([
    cluster['certificate-authority-data'] ? undefined : read(one('cluster', 'certificate authority')),
    user['client-certificate-data'] ? undefined : read(one('user', 'client certificate')),
    user['client-key-data'] ? undefined : read(one('user', 'client key')),
    typeof user.token === 'string' && user.token ? undefined : read(one('user', 'token')),
  ]);
  let token = typeof user.token === 'string' && user.token ? user.token : undefined;
  if (tokenFile) {
    // Like kubectl: surrounding white space is not part of the token. Inside, a bearer token is printable ASCII.
    token = tokenFile.toString('latin1').trim();
    if (!/^[\x21-\x7E]+$/.test(token)) {
      const file = one('user', 'token')!;
      throw new KubeError('config', `the token file ${file.path} of user "${file.name}" does not hold a token (one line of printable characters)`, {
        hint: 'point tokenFile at a file that holds only the token, or put the token itself in the kubeconfig',
      });
    }
  }
  if (token) secrets.push(token);
  if (typeof user.password === 'string' && user.password) secrets.push(user.password);
  const pick = (value: Record<string, unknown>, keys: string[]) => Object.fromEntries(keys.filter((k) => value[k] !== undefined && value[k] !== null).map((k) => [k, value[k]]));
  const base64 = (data: Buffer | undefined) => data?.toString('base64');
  const document: KubeconfigDocument = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': resolved.context,
    clusters: [{ name: resolved.cluster, cluster: { ...pick(cluster, ['server', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name', 'proxy-url']), ...(ca ? { 'certificate-authority-data': base64(ca) } : {}) } }],
    users: resolved.user
      ? [{
          name: resolved.user,
          user: {
            ...pick(user, ['client-certificate-data', 'client-key-data', 'username', 'password', 'as', 'exec', 'auth-provider']),
            ...(cert ? { 'client-certificate-data': base64(cert) } : {}),
            ...(key ? { 'client-key-data': base64(key) } : {}),
            ...(token ? { token } : {}),
          },
        }]
      : [],
    contexts: [{ name: resolved.context, context: { cluster: resolved.cluster, ...(resolved.user ? { user: resolved.user } : {}), namespace: resolved.namespace } }],
  };
  return { document, secrets };
}

/** A credential file's bytes: a regular file of at most 1 MiB, inside `confine` (by its real path) when set. */
async function readCredentialFile(file: CredentialFile, confine: string | undefined): Promise<Buffer> {
  const whose = `${file.owner} "${file.name}"`;
  const unreadable = (code: string | undefined) =>
    new KubeError('config', `cannot read the ${file.what} file ${file.path} of ${whose}: ${code === 'ENOENT' ? 'the file does not exist' : (code ?? 'unreadable')}`, {
      hint: 'export a fresh kubeconfig from the cluster',
    });
  // Judge and open the same real path; no-follow and non-blocking, so neither a swapped-in link nor a FIFO gets read.
  const real = await realpath(file.path).catch((error: NodeJS.ErrnoException) => {
    if (confine === undefined || error.code !== 'ENOENT') throw unreadable(error.code);
    return realPath(file.path);
  });
  if (confine !== undefined && (await leavesFolder(real, confine))) {
    throw new KubeError('config', `refused: ${whose} names a ${file.what} file outside the kubeconfig's folder (${file.field}: ${file.path})`, {
      hint: 'keep the files a kubeconfig names beside it, or pass --allow-exec if you trust it',
    });
  }
  let handle;
  try {
    handle = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable((error as NodeJS.ErrnoException).code);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new KubeError('config', `the ${file.what} file ${file.path} of ${whose} is not a regular file`, { hint: 'point it at the file itself' });
    if (info.size > MAX_CREDENTIAL_BYTES) throw new KubeError('config', `the ${file.what} file ${file.path} of ${whose} is larger than ${MAX_CREDENTIAL_BYTES / 1024} KiB: not a credential`, { hint: 'point it at the right file' });
    const buffer = Buffer.alloc(Math.max(1, info.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
