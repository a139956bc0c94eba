// The one place classroom code runs kubectl: writing and reading the learner's progress mirror.
// kubectl (which every journey needs) does the auth, with exactly the kubeconfig and context the
// learner's steps use, so the mirror lands in the cluster the learner is working on right now.
import type { MirrorConfigMap } from './mirror.ts';

/** How one kubectl call ended; never throws for a failed command. */
export interface KubectlResult {
  ok: boolean;
  stdout: string;
  /** The last line of stderr, or why kubectl could not run. */
  error: string;
  /** kubectl is not installed (not on PATH). */
  missing: boolean;
}

export interface KubectlOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  signal?: AbortSignal;
  input?: string;
}

/** Run kubectl with arguments; the result says how it went. */
export async function kubectl(args: string[], options: KubectlOptions): Promise<KubectlResult> {
  const { execa } = await import('execa');
  const seconds = Math.max(1, Math.ceil(options.timeoutMs / 1000));
  const result = await execa('kubectl', [...args, `--request-timeout=${seconds}s`], {
    env: options.env,
    extendEnv: false,
    reject: false,
    timeout: options.timeoutMs + 1000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    maxBuffer: 4 * 1024 * 1024,
  });
  const missing = (result as { code?: string }).code === 'ENOENT';
  const stderr = String(result.stderr ?? '').trim();
  const error = missing
    ? 'kubectl is not on your PATH'
    : result.timedOut
      ? `kubectl did not finish within ${seconds + 1} s`
      : result.isCanceled
        ? 'stopped'
        : (stderr.split('\n').filter(Boolean).at(-1) ?? (result.exitCode === 0 ? '' : `kubectl exited ${result.exitCode}`));
  return { ok: result.exitCode === 0 && !result.failed, stdout: String(result.stdout ?? ''), error, missing };
}

/** Create or update the mirror (server-side apply: no copy of the data in an annotation). */
export function applyConfigMap(configMap: MirrorConfigMap, options: Omit<KubectlOptions, 'input'>): Promise<KubectlResult> {
  return kubectl(['apply', '--server-side', '--force-conflicts', '--field-manager=hero-journey', '-o', 'name', '-f', '-'], {
    ...options,
    input: JSON.stringify(configMap),
  });
}

/** Create the mirror's namespace; fine when it exists. */
export async function ensureNamespace(namespace: string, options: Omit<KubectlOptions, 'input'>): Promise<KubectlResult> {
  const result = await kubectl(['create', 'namespace', namespace], options);
  if (!result.ok && /AlreadyExists|already exists/i.test(result.error)) return { ...result, ok: true };
  return result;
}

/** Read a ConfigMap as JSON; `notFound` when it does not exist. */
export async function getConfigMap(
  name: string,
  namespace: string,
  options: Omit<KubectlOptions, 'input'>,
): Promise<{ configMap: { data?: Record<string, unknown> } } | { notFound: true } | { error: string }> {
  const result = await kubectl(['get', 'configmap', name, '-n', namespace, '-o', 'json'], options);
  if (result.ok) {
    try {
      return { configMap: JSON.parse(result.stdout) as { data?: Record<string, unknown> } };
    } catch {
      return { error: 'kubectl printed something that is not JSON' };
    }
  }
  if (/NotFound|not found/i.test(result.error)) return { notFound: true };
  return { error: result.error };
}
