// Which kubeconfig the learner means, merged the way kubectl merges it. No client-node here: this
// runs (and is unit-tested) without loading the Kubernetes client.
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
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
        hint: 'pass an existing file with --kubeconfig, or leave it out to use $KUBECONFIG or ~/.kube/config',
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
      hint: 'create a cluster (for example `kind create cluster`, which writes ~/.kube/config), or point KUBECONFIG or --kubeconfig at your cluster\'s kubeconfig',
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
      merged.clusters.push({ name: entry.name, cluster: absolutePaths(entry.value, base, ['certificate-authority']) });
    }
    for (const entry of namedEntries(data.users, 'user')) {
      if (merged.users.some((u) => u.name === entry.name)) continue;
      const user = absolutePaths(entry.value, base, ['client-certificate', 'client-key', 'tokenFile', 'token-file']);
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

function absolutePaths(value: Record<string, unknown>, base: string, keys: string[]): Record<string, unknown> {
  const out = { ...value };
  for (const key of keys) {
    const path = out[key];
    if (typeof path === 'string' && path && !isAbsolute(path)) out[key] = resolve(base, path);
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
