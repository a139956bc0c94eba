// `hero-journey classroom rbac`: the least an instructor needs on an attendee's cluster to run
// `verify` — get, list and watch on the kinds the journey's checks read, and get on the progress
// ConfigMap — as a ServiceAccount with a ClusterRole and bindings, plus the commands an attendee
// runs to hand the instructor a kubeconfig with only those rights (a time-limited token).
import type { KindRef } from '../kube/types.ts';
import type { Journey } from '../journey/model.ts';
import { MIRROR_NAMESPACE, mirrorName } from './mirror.ts';

export const INSTRUCTOR_NAME = 'hero-journey-instructor';

/** What the checks of a journey read: kinds, and notes about what could not be known. */
export interface JourneyReads {
  kinds: KindRef[];
  notes: string[];
}

/**
 * The kinds a journey's checks read: every assert's kind, and the kinds each code check declares
 * in `reads` (loaded through `loadReads`; a module that cannot be loaded becomes a note).
 */
export async function journeyReads(journey: Journey, loadReads: (moduleId: string) => Promise<KindRef[] | undefined>): Promise<JourneyReads> {
  const kinds = new Map<string, KindRef>();
  const notes: string[] = [];
  const add = (ref: KindRef) => {
    if (ref.apiVersion && ref.kind && !ref.apiVersion.includes('${') && !ref.kind.includes('${')) kinds.set(`${ref.apiVersion}|${ref.kind}`, { apiVersion: ref.apiVersion, kind: ref.kind });
  };
  const modules = new Set<string>();
  for (const chapter of journey.chapters.values()) {
    for (const check of chapter.checks) {
      if (check.kind === 'use') modules.add(check.use);
      else add({ apiVersion: String(check.object.apiVersion ?? ''), kind: String(check.object.kind ?? '') });
    }
  }
  for (const id of [...modules].sort()) {
    let reads: KindRef[] | undefined;
    try {
      reads = await loadReads(id);
    } catch (error) {
      notes.push(`check module ${id} could not be loaded (${(error as Error).message.split('\n')[0]}): add the kinds it reads by hand`);
      continue;
    }
    // `reads: []` is a declaration too: the module reads nothing from the cluster.
    if (!reads) notes.push(`check module ${id} does not declare what it reads (\`reads:\`): add rules if verify reports 403 for it`);
    else for (const ref of reads) add(ref);
  }
  return { kinds: [...kinds.values()].sort((a, b) => `${group(a.apiVersion)}/${a.kind}`.localeCompare(`${group(b.apiVersion)}/${b.kind}`)), notes };
}

/** The plural resource name of a kind, as the API serves it (no cluster needed for the usual kinds). */
export function resourceName(kind: string): string {
  const irregular: Record<string, string> = { Endpoints: 'endpoints', EndpointSlice: 'endpointslices', PodMetrics: 'pods', NodeMetrics: 'nodes' };
  if (irregular[kind]) return irregular[kind];
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return `${lower}es`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ies`;
  return `${lower}s`;
}

function group(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0]! : '';
}

/** The YAML for the instructor's ServiceAccount, ClusterRole, Role and bindings. */
export function rbacYaml(journey: Pick<Journey, 'id' | 'title'>, reads: JourneyReads, namespace: string = MIRROR_NAMESPACE): string {
  const byGroup = new Map<string, Set<string>>();
  for (const ref of reads.kinds) {
    const g = group(ref.apiVersion);
    if (!byGroup.has(g)) byGroup.set(g, new Set());
    byGroup.get(g)!.add(resourceName(ref.kind));
  }
  const rules = [...byGroup.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([g, resources]) =>
      [`  - apiGroups: [${JSON.stringify(g)}]`, `    resources: [${[...resources].sort().map((r) => JSON.stringify(r)).join(', ')}]`, '    verbs: ["get", "list", "watch"]'].join('\n'),
    );
  const readsSecrets = reads.kinds.some((k) => k.kind === 'Secret' && group(k.apiVersion) === '');
  const lines = [
    `# Read-only access for the instructor of "${journey.title}" (hero-journey verify).`,
    '# It may get, list and watch what the checks read, and read the progress ConfigMap. It cannot',
    '# change anything. Apply it on your cluster: kubectl apply -f this-file.yaml',
    ...(readsSecrets ? ['# Note: a check reads Secrets (to verify a TLS certificate). verify never prints their contents.'] : []),
    ...reads.notes.map((n) => `# Note: ${n}`),
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${namespace}`,
    '---',
    'apiVersion: v1',
    'kind: ServiceAccount',
    'metadata:',
    `  name: ${INSTRUCTOR_NAME}`,
    `  namespace: ${namespace}`,
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata:',
    `  name: ${INSTRUCTOR_NAME}`,
    'rules:',
    ...(rules.length > 0 ? rules : ['  []']),
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRoleBinding',
    'metadata:',
    `  name: ${INSTRUCTOR_NAME}`,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: ClusterRole',
    `  name: ${INSTRUCTOR_NAME}`,
    'subjects:',
    '  - kind: ServiceAccount',
    `    name: ${INSTRUCTOR_NAME}`,
    `    namespace: ${namespace}`,
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: Role',
    'metadata:',
    `  name: ${INSTRUCTOR_NAME}`,
    `  namespace: ${namespace}`,
    'rules:',
    '  - apiGroups: [""]',
    '    resources: ["configmaps"]',
    `    resourceNames: [${JSON.stringify(mirrorName(journey.id))}]`,
    '    verbs: ["get", "list", "watch"]',
    '---',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: RoleBinding',
    'metadata:',
    `  name: ${INSTRUCTOR_NAME}`,
    `  namespace: ${namespace}`,
    'roleRef:',
    '  apiGroup: rbac.authorization.k8s.io',
    '  kind: Role',
    `  name: ${INSTRUCTOR_NAME}`,
    'subjects:',
    '  - kind: ServiceAccount',
    `    name: ${INSTRUCTOR_NAME}`,
    `    namespace: ${namespace}`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The shell commands an attendee runs to make a read-only kubeconfig for the instructor. */
export function mintCommands(options: { namespace?: string; hours?: number; rbacCommand?: string } = {}): string {
  const namespace = options.namespace ?? MIRROR_NAMESPACE;
  const hours = options.hours ?? 12;
  return `# On your machine, with your own (admin) kubeconfig pointing at your workshop cluster:
${options.rbacCommand ?? 'npx hero-journey classroom rbac'} 2>/dev/null | kubectl apply -f -
NAME="\${NAME:-$(whoami)}"
SERVER="$(kubectl config view --minify -o jsonpath='{.clusters[0].cluster.server}')"
kubectl config view --minify --flatten -o jsonpath='{.clusters[0].cluster.certificate-authority-data}' | base64 -d > hero-journey-ca.crt
TOKEN="$(kubectl create token ${INSTRUCTOR_NAME} -n ${namespace} --duration=${hours}h)"
export KUBECONFIG="$NAME.kubeconfig"
kubectl config set-cluster workshop --server="$SERVER" --certificate-authority=hero-journey-ca.crt --embed-certs=true
kubectl config set-credentials ${INSTRUCTOR_NAME} --token="$TOKEN"
kubectl config set-context "$NAME" --cluster=workshop --user=${INSTRUCTOR_NAME}
kubectl config use-context "$NAME"
unset KUBECONFIG TOKEN; rm hero-journey-ca.crt
# Hand "$NAME.kubeconfig" to your instructor. It can only read, and stops working after ${hours} hours.
# The instructor puts every attendee's file in one folder and runs: hero-journey verify ./class/
`;
}
