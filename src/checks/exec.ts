// `ctx.exec` for check modules: runs a program with the learner's kube environment, and refuses
// kubectl and helm subcommands that could change the cluster (checks only read).
import type { ExecOptions, ExecResult } from './define.ts';

/** kubectl subcommands that only read. */
const KUBECTL_READS = new Set(['get', 'describe', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'top', 'logs', 'events', 'wait', 'auth', 'config']);
/** kubectl config subcommands that only read (the others edit the kubeconfig). */
const KUBECTL_CONFIG_READS = new Set(['view', 'get-contexts', 'get-clusters', 'get-users', 'current-context']);
/** kubectl auth subcommands that only read. */
const KUBECTL_AUTH_READS = new Set(['can-i', 'whoami']);
/** helm subcommands that only read (the cluster, or nothing at all). */
const HELM_READS = new Set(['list', 'ls', 'status', 'get', 'history', 'hist', 'show', 'inspect', 'version', 'env', 'search', 'template', 'lint', 'verify']);
/** Flags of kubectl and helm that take the next word as their value. */
const VALUE_FLAGS = new Set([
  '-n', '--namespace', '--context', '--kubeconfig', '--kube-context', '--cluster', '--user', '-s', '--server', '--as', '--as-group',
  '--token', '--request-timeout', '-l', '--selector', '-o', '--output', '--field-selector', '--kube-apiserver', '--kube-token',
]);

/** The subcommand words of a command line: `kubectl -n x get pods` → `['get', 'pods']`. */
export function subcommandWords(args: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (arg.startsWith('-')) {
      if (!arg.includes('=') && VALUE_FLAGS.has(arg)) i++;
      continue;
    }
    words.push(arg);
  }
  return words;
}

/** Why a command may not run in a check (it could change the cluster), or undefined when it may. */
export function refuseWrite(file: string, args: readonly string[]): string | undefined {
  const program = file.split(/[\\/]/).pop()!.replace(/\.exe$/i, '');
  const [verb, sub] = subcommandWords(args);
  const shown = `${program} ${args.join(' ')}`.trim();
  if (program === 'kubectl' || program === 'oc') {
    if (!verb) return undefined;
    if (!KUBECTL_READS.has(verb)) return `checks only read, and \`${shown}\` can change the cluster (allowed: kubectl ${[...KUBECTL_READS].join(', ')})`;
    if (verb === 'config' && sub && !KUBECTL_CONFIG_READS.has(sub)) return `checks only read, and \`${shown}\` edits the kubeconfig`;
    if (verb === 'auth' && sub && !KUBECTL_AUTH_READS.has(sub)) return `checks only read, and \`${shown}\` can change the cluster`;
    return undefined;
  }
  if (program === 'helm') {
    if (!verb) return undefined;
    if (verb === 'repo' && (sub === 'list' || sub === 'ls')) return undefined;
    if (!HELM_READS.has(verb)) return `checks only read, and \`${shown}\` can change the cluster or your Helm setup (allowed: helm ${[...HELM_READS].join(', ')})`;
  }
  return undefined;
}

/** Thrown for a refused command: a bug in the check module, so it is reported as a broken check. */
export class RefusedCommandError extends Error {
  override readonly name = 'RefusedCommandError';
}

/** Make `ctx.exec` for one check: the environment is the learner's (kubeconfig, context, journey variables). */
export function createExec(env: Record<string, string | undefined>, cwd: string, signal: AbortSignal) {
  return async function exec(file: string, args: readonly string[] = [], options: ExecOptions = {}): Promise<ExecResult> {
    const refused = refuseWrite(file, args);
    if (refused) throw new RefusedCommandError(refused);
    const { execa } = await import('execa');
    const result = await execa(file, [...args], {
      cwd,
      env,
      extendEnv: false,
      reject: false,
      timeout: (options.timeoutSeconds ?? 30) * 1000,
      cancelSignal: signal,
      ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
      stripFinalNewline: false,
      maxBuffer: 16 * 1024 * 1024,
    });
    if (result.failed && result.exitCode === undefined && !result.timedOut && (result as { code?: string }).code === 'ENOENT') {
      return { exitCode: 127, stdout: '', stderr: `${file}: command not found on PATH\n`, timedOut: false };
    }
    return {
      exitCode: result.exitCode ?? (result.timedOut ? 124 : 1),
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      timedOut: result.timedOut,
    };
  };
}
