// `ctx.exec` for check modules: runs a program with the learner's kube environment, and only
// commands it can prove read-only. kubectl, oc and helm are parsed with their real flag grammar
// (global flags that take a value, `--flag=value`, `-nvalue`), so a value is never mistaken for
// the verb (`kubectl --cache-dir get create ns x` creates a namespace); the verb must then be
// one that only reads. Anything not understood is refused: unknown flags before the verb, `--`,
// plugins, shells and wrappers (`env`, `sh -c`, `xargs`), programs given by a relative path,
// and programs hero-journey does not know.
import type { ExecOptions, ExecResult } from './define.ts';

/** kubectl (and oc) verbs that only read. */
const KUBECTL_READS = new Set(['get', 'describe', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'top', 'logs', 'events', 'wait', 'auth', 'config']);
/** kubectl verbs whose second word decides: only these second words read. */
const KUBECTL_SUBCOMMAND_READS: Record<string, ReadonlySet<string | undefined>> = {
  // The other config subcommands edit the kubeconfig.
  config: new Set(['view', 'get-contexts', 'get-clusters', 'get-users', 'current-context']),
  auth: new Set(['can-i', 'whoami']),
  // `cluster-info dump` writes files when given a folder: plain `cluster-info` only.
  'cluster-info': new Set([undefined]),
  top: new Set(['pod', 'pods', 'po', 'node', 'nodes', 'no']),
};
/** kubectl's global flags that take a value (`kubectl options`), long and short. */
const KUBECTL_VALUE_FLAGS = new Set([
  '--as', '--as-group', '--as-uid', '--cache-dir', '--certificate-authority', '--client-certificate', '--client-key', '--cluster',
  '--context', '--kubeconfig', '--log-flush-frequency', '--namespace', '-n', '--password', '--profile', '--profile-output',
  '--request-timeout', '--server', '-s', '--tls-server-name', '--token', '--user', '--username', '--v', '-v', '--vmodule',
]);
/** kubectl's global flags that take no value. */
const KUBECTL_BOOL_FLAGS = new Set(['--disable-compression', '--insecure-skip-tls-verify', '--match-server-version', '--warnings-as-errors', '--help', '-h']);

/** helm verbs that only read (the cluster, or nothing at all). */
const HELM_READS = new Set(['list', 'ls', 'status', 'get', 'history', 'hist', 'show', 'inspect', 'version', 'env', 'search', 'verify', 'repo']);
const HELM_SUBCOMMAND_READS: Record<string, ReadonlySet<string | undefined>> = {
  repo: new Set(['list', 'ls']),
};
/** helm's global flags that take a value (`helm --help`). */
const HELM_VALUE_FLAGS = new Set([
  '--burst-limit', '--kube-apiserver', '--kube-as-group', '--kube-as-user', '--kube-ca-file', '--kube-context', '--kube-tls-server-name',
  '--kube-token', '--kubeconfig', '--namespace', '-n', '--qps', '--registry-config', '--repository-cache', '--repository-config',
]);
const HELM_BOOL_FLAGS = new Set(['--debug', '--kube-insecure-skip-tls-verify', '--help', '-h']);

/** Container tools (local-image checks) and the words that only look. */
const CONTAINER_TOOLS = new Set(['docker', 'podman', 'nerdctl', 'nerdctl.lima']);
const CONTAINER_READS: Record<string, ReadonlySet<string | undefined>> = {
  image: new Set(['inspect', 'ls', 'list']),
  images: new Set([undefined]),
  version: new Set([undefined]),
  info: new Set([undefined]),
};

interface Grammar {
  valueFlags: ReadonlySet<string>;
  boolFlags: ReadonlySet<string>;
}

const KUBECTL: Grammar = { valueFlags: KUBECTL_VALUE_FLAGS, boolFlags: KUBECTL_BOOL_FLAGS };
const HELM: Grammar = { valueFlags: HELM_VALUE_FLAGS, boolFlags: HELM_BOOL_FLAGS };
const NO_FLAGS: Grammar = { valueFlags: new Set(), boolFlags: new Set() };

/**
 * The command's verb as the program reads it, and the word after it when `wantsSub(verb)`, or why
 * that cannot be told. Flags after the verb belong to the verb and are not judged.
 */
export function parseCommandLine(
  args: readonly string[],
  grammar: Grammar,
  wantsSub: (verb: string) => boolean = () => false,
): { verb?: string; sub?: string } | { unclear: string } {
  const words: string[] = [];
  for (let i = 0; i < args.length && words.length < (words[0] !== undefined && wantsSub(words[0]) ? 2 : 1); i++) {
    const arg = args[i]!;
    if (arg === '--') return { unclear: '`--` ends the flags, and what follows is not checked' };
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    const long = arg.startsWith('--');
    // `--name=value`, `--name value`; shorthand `-nvalue`, `-n=value`, `-n value`.
    const name = long ? arg.split('=', 1)[0]! : arg.slice(0, 2);
    const attached = long ? arg.includes('=') : arg.length > 2;
    if (grammar.valueFlags.has(name)) {
      if (!attached) {
        if (i + 1 >= args.length) return { unclear: `${name} needs a value` };
        i++;
      }
      continue;
    }
    if (grammar.boolFlags.has(name) && (long || !attached)) continue;
    return { unclear: `it does not know the flag ${name} (a flag it does not know may take the next word as its value)` };
  }
  return { ...(words[0] !== undefined ? { verb: words[0] } : {}), ...(words[1] !== undefined ? { sub: words[1] } : {}) };
}

/** Why a command may not run in a check (it is not proven read-only), or undefined when it may. */
export function refuseWrite(file: string, args: readonly string[]): string | undefined {
  const shown = `${file} ${args.join(' ')}`.trim();
  const refuse = (why: string) => `checks only read, and hero-journey cannot tell that \`${shown}\` does: ${why}`;
  if (/[\\/]/.test(file) && !/^(?:[A-Za-z]:)?[\\/]/.test(file)) return refuse('a program given by a relative path is not one it knows');
  const program = file.split(/[\\/]/).pop()!.replace(/\.exe$/i, '');
  if (program === 'kubectl' || program === 'oc') return judge(args, KUBECTL, KUBECTL_READS, KUBECTL_SUBCOMMAND_READS, 'kubectl', refuse);
  if (program === 'helm') return judge(args, HELM, HELM_READS, HELM_SUBCOMMAND_READS, 'helm', refuse);
  if (CONTAINER_TOOLS.has(program)) return judge(args, NO_FLAGS, new Set(Object.keys(CONTAINER_READS)), CONTAINER_READS, program, refuse);
  return refuse(`checks may run kubectl, oc and helm commands that read, and ${[...CONTAINER_TOOLS].join('/')} image inspect; ${program} is none of them (read the cluster with ctx.kube, HTTP with helpers.httpGet)`);
}

function judge(
  args: readonly string[],
  grammar: Grammar,
  reads: ReadonlySet<string>,
  subReads: Record<string, ReadonlySet<string | undefined>>,
  tool: string,
  refuse: (why: string) => string,
): string | undefined {
  const parsed = parseCommandLine(args, grammar, (verb) => Object.hasOwn(subReads, verb));
  if ('unclear' in parsed) return refuse(parsed.unclear);
  const { verb, sub } = parsed;
  // No verb: the program prints its help and touches nothing.
  if (verb === undefined) return undefined;
  if (!reads.has(verb)) return refuse(`"${verb}" is not one of the ${tool} commands that only read (${[...reads].join(', ')}); a ${tool} command it does not know may be a plugin`);
  const allowed = Object.hasOwn(subReads, verb) ? subReads[verb] : undefined;
  if (allowed && !allowed.has(sub)) {
    const listed = [...allowed].filter((s) => s !== undefined);
    return refuse(`${tool} ${verb} ${sub ?? ''}`.trim() + ` can change things${listed.length > 0 ? ` (allowed: ${listed.map((s) => `${verb} ${s}`).join(', ')})` : ''}`);
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
      // A kuberc file (kubectl's preferences) can add flags and aliases to a command: not in checks.
      env: { ...env, KUBERC: 'off' },
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
