// `hero-journey doctor`: everything that would stop the learner before the first step — tools,
// the cluster, kubectl's version skew, permissions — each problem with what is wrong and the
// exact fix. Every probe has a short timeout: the whole run stays within a few seconds, even
// when the cluster does not answer.
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import semver from 'semver';
import type { Journey, ToolRequirement } from '../journey/model.ts';
import type { AccessAttributes, KubeConnection } from '../kube/client.ts';
import { isKubeError } from '../kube/errors.ts';
import { resolveKubeconfig, type KubeSelection, type ResolvedKubeconfig } from '../kube/kubeconfig.ts';
import { findOnPath, installHint, parseToolVersion, runProbe, versionArguments } from './tools.ts';

/** One thing doctor looked at. */
export interface Finding {
  area: 'tools' | 'cluster' | 'permissions';
  status: 'ok' | 'warning' | 'problem';
  /** One sentence: what is fine, or what is wrong. */
  message: string;
  /** The exact thing to do, for warnings and problems. */
  fix?: string;
}

export interface DoctorOptions {
  journey: Journey;
  kube: KubeSelection;
  /** Environment with PATH for finding tools. */
  env: NodeJS.ProcessEnv;
  /** Milliseconds each probe may take (a tool's version, one API request). Default 2500. */
  probeTimeoutMs?: number;
  /** Clock, for certificate expiry. */
  now?: () => Date;
  /** Check the cluster too (default); false: the tools only. */
  cluster?: boolean;
}

/** Run every probe; findings come back grouped by area, in a stable order. */
export async function runDoctor(options: DoctorOptions): Promise<Finding[]> {
  const timeoutMs = options.probeTimeoutMs ?? 2500;
  const [tools, cluster] = await Promise.all([
    checkTools(options.journey.tools, options.env, timeoutMs),
    options.cluster === false ? Promise.resolve<ClusterReport>({ findings: [], permissions: [] }) : checkCluster(options, timeoutMs),
  ]);
  const kubectlVersion = tools.versions.get('kubectl') ?? (await toolVersion('kubectl', options.env, timeoutMs)).version;
  const findings = [...tools.findings, ...cluster.findings];
  if (cluster.serverVersion && kubectlVersion) findings.push(skewFinding(kubectlVersion, cluster.serverVersion));
  findings.push(...cluster.permissions);
  return findings;
}

// --- tools ---------------------------------------------------------------------------------

const NO_KUBECONFIG = join(tmpdir(), 'hero-journey-doctor-no-kubeconfig');

async function toolVersion(name: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ path?: string; version?: string; output?: string }> {
  const path = await findOnPath(name, env.PATH);
  if (!path) return {};
  let output = '';
  for (const args of versionArguments(name)) {
    // No kubeconfig for version probes: some kubectl versions contact the cluster even with --client.
    const result = await runProbe(path, args, { ...env, KUBECONFIG: NO_KUBECONFIG }, timeoutMs);
    output = `${result.stdout}\n${result.stderr}`.trim();
    const version = result.code === 0 ? parseToolVersion(result.stdout) ?? parseToolVersion(output) : undefined;
    if (version) return { path, version, output };
  }
  return { path, output };
}

/** Each declared tool: on PATH, and in a version inside its range. */
export async function checkTools(tools: ToolRequirement[], env: NodeJS.ProcessEnv, timeoutMs = 3000): Promise<{ findings: Finding[]; versions: Map<string, string> }> {
  const versions = new Map<string, string>();
  const findings = await Promise.all(
    tools.map(async (tool): Promise<Finding> => {
      const why = tool.why ? ` (${tool.why})` : '';
      const found = await toolVersion(tool.name, env, timeoutMs);
      if (!found.path) return { area: 'tools', status: 'problem', message: `${tool.name} is not on your PATH${why}`, fix: installHint(tool) };
      if (found.version) versions.set(tool.name, found.version);
      return toolFinding(tool, found.version);
    }),
  );
  return { findings, versions };
}

/** Judge a found tool's version against the journey's range. Pure. */
export function toolFinding(tool: ToolRequirement, version: string | undefined): Finding {
  const why = tool.why ? ` (${tool.why})` : '';
  if (!tool.version) return { area: 'tools', status: 'ok', message: `${tool.name}${version ? ` ${version}` : ''}` };
  if (!version) {
    return {
      area: 'tools',
      status: 'warning',
      message: `${tool.name} is on your PATH, but its version could not be read; the journey needs ${tool.version}`,
      fix: `run \`${tool.name} --version\` and make sure it is ${tool.version}; otherwise ${installHint(tool)}`,
    };
  }
  const range = semver.validRange(tool.version, { loose: true });
  const coerced = semver.coerce(version);
  if (!range || !coerced) return { area: 'tools', status: 'ok', message: `${tool.name} ${version} (wanted ${tool.version})` };
  if (semver.satisfies(coerced, range, { includePrerelease: true })) return { area: 'tools', status: 'ok', message: `${tool.name} ${version} (needs ${tool.version})` };
  return { area: 'tools', status: 'problem', message: `${tool.name} ${version} does not fit what the journey needs: ${tool.version}${why}`, fix: installHint(tool) };
}

// --- cluster -------------------------------------------------------------------------------

interface ClusterReport {
  findings: Finding[];
  permissions: Finding[];
  serverVersion?: string;
}

async function checkCluster(options: DoctorOptions, timeoutMs: number): Promise<ClusterReport> {
  let resolved: ResolvedKubeconfig;
  try {
    resolved = await resolveKubeconfig(options.kube);
  } catch (error) {
    return { findings: [clusterProblem(error)], permissions: [] };
  }
  const expiry = await clientCertificateExpiry(resolved);
  const now = options.now?.() ?? new Date();
  if (expiry && expiry.getTime() <= now.getTime()) {
    return {
      findings: [
        {
          area: 'cluster',
          status: 'problem',
          message: `the credentials of context "${resolved.context}" expired on ${expiry.toISOString().slice(0, 16).replace('T', ' ')} UTC (client certificate of user "${resolved.user}")`,
          fix: 'get a fresh kubeconfig from the cluster (for kind: `kind export kubeconfig`; for cloud clusters: the provider\'s `get-credentials` command)',
        },
      ],
      permissions: [],
    };
  }
  let connection: KubeConnection | undefined;
  try {
    connection = await (await import('../kube/client.ts')).connectKube(options.kube, { requestTimeoutMs: timeoutMs });
    const version = await connection.serverVersion();
    const where = `context "${resolved.context}", server ${resolved.server}${resolved.user ? `, user ${resolved.user}` : ''}`;
    const findings: Finding[] = [{ area: 'cluster', status: 'ok', message: `the cluster answers: ${where}, Kubernetes ${version.gitVersion}` }];
    // Only now: the version's connection (HTTP/2) carries every permission question; asked
    // together with it, each question would open a TLS connection of its own.
    const permissions = await checkPermissions(connection, options.journey, resolved.namespace);
    return { findings, permissions, serverVersion: version.gitVersion };
  } catch (error) {
    return { findings: [clusterProblem(error)], permissions: [] };
  } finally {
    connection?.close();
  }
}

function clusterProblem(error: unknown): Finding {
  if (isKubeError(error)) return { area: 'cluster', status: 'problem', message: error.message, ...(error.hint ? { fix: error.hint } : {}) };
  return { area: 'cluster', status: 'problem', message: `cannot use your cluster: ${error instanceof Error ? error.message : String(error)}`, fix: 'check your kubeconfig with `kubectl cluster-info`' };
}

/** When the client certificate of the context's user stops being valid, if it uses one. */
export async function clientCertificateExpiry(resolved: ResolvedKubeconfig): Promise<Date | undefined> {
  const user = resolved.config.users.find((u) => u.name === resolved.user)?.user;
  if (!user) return undefined;
  let pem: string | undefined;
  try {
    if (typeof user['client-certificate-data'] === 'string') pem = Buffer.from(user['client-certificate-data'], 'base64').toString('utf8');
    else if (typeof user['client-certificate'] === 'string') pem = await readFile(user['client-certificate'], 'utf8');
    return pem ? new Date(new X509Certificate(pem).validTo) : undefined;
  } catch {
    return undefined;
  }
}

/** kubectl is supported within one minor version of the API server. Pure. */
export function skewFinding(kubectl: string, server: string): Finding {
  const client = semver.coerce(kubectl);
  const api = semver.coerce(server);
  if (!client || !api) return { area: 'cluster', status: 'ok', message: `kubectl ${kubectl}, server ${server}` };
  const minor = (v: semver.SemVer) => v.major * 1000 + v.minor;
  const diff = minor(client) - minor(api);
  const pair = `kubectl ${client.major}.${client.minor} and the server's ${api.major}.${api.minor}`;
  if (Math.abs(diff) <= 1) return { area: 'cluster', status: 'ok', message: `${pair} are within one minor version` };
  return {
    area: 'cluster',
    status: 'problem',
    message: `${pair} are ${Math.abs(diff)} minor versions apart; kubectl is only supported within one (some commands will fail in odd ways)`,
    fix: `install kubectl ${api.major}.${api.minor}: https://kubernetes.io/docs/tasks/tools/ (or \`curl -LO https://dl.k8s.io/release/v${api.major}.${api.minor}.0/bin/linux/amd64/kubectl\`)`,
  };
}

// --- permissions ---------------------------------------------------------------------------

/** A permission the journey's chapters need, and which chapters need it. */
export interface PermissionNeed extends AccessAttributes {
  chapters: string[];
}

/** `Certificate` → `certificates`, `Ingress` → `ingresses`, `Policy` → `policies` (used when discovery does not know the kind yet). */
export function pluralize(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

/**
 * What the chapters need to be allowed: reading what their asserts look at, and — when steps
 * apply manifests or install charts — creating the usual objects in the journey's namespace and,
 * for Helm charts that bring CRDs and cluster roles, cluster-wide objects. Pure.
 */
export function permissionNeeds(journey: Journey, defaultNamespace: string): PermissionNeed[] {
  const needs = new Map<string, PermissionNeed>();
  const add = (need: Omit<PermissionNeed, 'chapters'>, chapter: string) => {
    const key = `${need.verb}|${need.group}|${need.resource}|${need.namespace ?? ''}`;
    const entry = needs.get(key) ?? { ...need, chapters: [] };
    if (!entry.chapters.includes(chapter)) entry.chapters.push(chapter);
    needs.set(key, entry);
  };
  const namespace = journey.vars.NAMESPACE || defaultNamespace;
  for (const chapter of journey.chapters.values()) {
    for (const check of chapter.checks) {
      if (check.kind === 'use') continue;
      const apiVersion = String(check.object.apiVersion ?? '');
      const kind = String(check.object.kind ?? '');
      if (!apiVersion || !kind || kind.includes('$')) continue;
      const group = apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
      const metadata = (check.object.metadata ?? {}) as { namespace?: unknown };
      const ns = typeof metadata.namespace === 'string' && !metadata.namespace.includes('$') ? metadata.namespace : undefined;
      for (const verb of ['get', 'list', 'watch']) add({ verb, group, resource: pluralize(kind), ...(ns ? { namespace: ns } : {}) }, chapter.id);
    }
    const code = chapter.steps.map((s) => s.code).join('\n');
    if (/\bkubectl\s+(?:[^\n]*\s)?(?:apply|create)\b/.test(code) || /\bhelm\s+(?:upgrade|install)\b/.test(code)) {
      for (const [group, resource] of [
        ['apps', 'deployments'],
        ['', 'services'],
        ['', 'secrets'],
        ['', 'configmaps'],
        ['networking.k8s.io', 'ingresses'],
      ] as const) {
        add({ verb: 'create', group, resource, namespace }, chapter.id);
      }
    }
    if (/\bhelm\s+(?:upgrade|install)\b/.test(code) || /CustomResourceDefinition|crds\.enabled/.test(code)) {
      for (const [group, resource] of [
        ['', 'namespaces'],
        ['apiextensions.k8s.io', 'customresourcedefinitions'],
        ['rbac.authorization.k8s.io', 'clusterroles'],
        ['rbac.authorization.k8s.io', 'clusterrolebindings'],
      ] as const) {
        add({ verb: 'create', group, resource }, chapter.id);
      }
    }
  }
  return [...needs.values()];
}

async function checkPermissions(connection: KubeConnection, journey: Journey, namespace: string): Promise<Finding[]> {
  const needs = permissionNeeds(journey, namespace);
  const answers = await Promise.all(
    needs.map(async (need) => {
      try {
        return { need, answer: await connection.canI(need) };
      } catch (error) {
        return { need, error };
      }
    }),
  );
  const failed = answers.find((a) => 'error' in a && a.error);
  if (failed && 'error' in failed) {
    const message = isKubeError(failed.error) ? failed.error.message : String(failed.error);
    return [{ area: 'permissions', status: 'warning', message: `could not ask the cluster what you may do: ${message}`, fix: 'run `kubectl auth can-i --list` to see your permissions' }];
  }
  const denied = answers.filter((a) => 'answer' in a && a.answer && !a.answer.allowed).map((a) => a.need);
  if (denied.length === 0) {
    return [{ area: 'permissions', status: 'ok', message: `you may do what the chapters need (${needs.length} permission${needs.length === 1 ? '' : 's'} asked with SelfSubjectAccessReview)` }];
  }
  const user = await connection.whoAmI().catch(() => undefined);
  return permissionFindings(denied, user);
}

/**
 * Denied permissions as a few findings, one per role that would grant them (read: view;
 * create in a namespace: edit; create cluster-wide: cluster-admin), each with the exact
 * binding to ask for, naming the user when the cluster said who that is. Pure.
 */
export function permissionFindings(denied: PermissionNeed[], user: string | undefined): Finding[] {
  const who = user ? (/^[\w@.:-]+$/.test(user) ? user : `'${user.replaceAll("'", "'\\''")}'`) : 'YOUR_USER';
  const askFor = (binding: string) =>
    `use a cluster where you are admin (a local kind or k3d cluster is), or ask its admin for: ${binding}${user ? '' : ' (YOUR_USER: your name on the cluster, `kubectl auth whoami` shows it)'}`;
  const groups: Array<{ role: 'view' | 'edit' | 'cluster-admin'; needs: PermissionNeed[] }> = [
    { role: 'view', needs: denied.filter((n) => n.verb !== 'create') },
    { role: 'edit', needs: denied.filter((n) => n.verb === 'create' && n.namespace) },
    { role: 'cluster-admin', needs: denied.filter((n) => n.verb === 'create' && !n.namespace) },
  ];
  return groups
    .filter((g) => g.needs.length > 0)
    .map(({ role, needs: list }): Finding => {
      const resources = [...new Set(list.map((n) => (n.group ? `${n.resource}.${n.group}` : n.resource)))];
      const verbs = [...new Set(list.map((n) => n.verb))];
      const namespaces = [...new Set(list.map((n) => n.namespace).filter((ns): ns is string => Boolean(ns)))];
      const clusterWide = list.some((n) => !n.namespace);
      const scope = clusterWide ? 'cluster-wide' : namespaces.length === 1 ? `in namespace ${namespaces[0]}` : `in namespaces ${namespaces.join(', ')}`;
      const chapters = [...new Set(list.flatMap((n) => n.chapters))];
      const action = role === 'view' ? `read (${verbs.join(', ')})` : verbs.join(', ');
      const binding =
        role === 'edit' && namespaces.length === 1
          ? `kubectl create rolebinding hero-edit --clusterrole=edit --user=${who} -n ${namespaces[0]}`
          : `kubectl create clusterrolebinding hero-${role} --clusterrole=${role} --user=${who}`;
      return {
        area: 'permissions',
        status: 'problem',
        message: `you${user ? ` (${user})` : ''} may not ${action} ${shortList(resources)} ${scope}, which ${chapters.length === 1 ? 'chapter' : 'chapters'} ${shortList(chapters)} ${chapters.length === 1 ? 'needs' : 'need'}`,
        fix: askFor(binding),
      };
    });
}

function shortList(items: string[]): string {
  return items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more`;
}
