// Runs one step: the only module that starts external programs for steps (np's git-util idea).
//
// How a step runs:
// - The learner's code is written verbatim to a private temp file (0600, in a 0700 folder, removed
//   afterwards) and `source`d by a small bash wrapper, so heredocs and any quoting work as typed.
// - The wrapper sets `set -euo pipefail` (plus `-E`, so our ERR trap sees failures in functions).
// - Capturing exports: the wrapper writes the exported environment (NUL-separated, via bash's own
//   `compgen -e`, so no GNU `env -0` is needed) to a file before and after the step; the difference,
//   minus shell internals, is what the step exported. "After" is written when the code runs to its
//   end and also when it calls `exit 0`: the wrapper defines an `exit` function that dumps the
//   environment and then calls `builtin exit`. We deliberately do not use an EXIT trap: a step that
//   sets its own `trap ... EXIT` (a common cleanup idiom) would silently replace ours.
// - Variables are captured only when the step succeeded (exit 0, not timed out or cancelled): a
//   failed step may have exported half-made values, and the learner retries it anyway.
// - Carrying shell state (plain tutorials, read as if typed in one terminal): the step runs with
//   `set -a`, so plain assignments are exported and captured like exports, and the folder the step
//   ended in is reported, so the caller can run the next step there.
// - Stdin is /dev/null: a step gets no input, unless the caller hands it the keyboard (`keyboard`,
//   for a step that waits for it, when play is interactive): `line` makes stdin the terminal and
//   still pipes the output; `terminal` gives it the terminal on every stream and in the terminal's
//   own process group, as an editor or `kubectl exec -it` needs (its output is then not captured).
// - Otherwise the step runs in its own process group; a timeout or cancellation signals the whole
//   group (SIGTERM, then SIGKILL after a grace period), so grandchildren such as `sleep` die too.
import { access, constants as fsConstants, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { UserError } from '../errors.ts';
import { createTailBuffer } from './format.ts';
import { dict } from '../dict.ts';

/** How a step ended, what it exported and how its error output ended. */
export interface StepResult {
  /** Exit code of the step, or undefined when bash itself was killed by a signal. */
  exitCode: number | undefined;
  /** The signal that killed bash (`SIGTERM`, ...), when it was killed. */
  signal?: string;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  /** Variables the step exported (new or changed), only when it succeeded. */
  captured: Record<string, string>;
  /** The last lines of stderr (at most 20), plain text, each ending with a newline. */
  stderrTail: string;
  /** The timeout the step ran under, in seconds, when it had one. */
  timeoutSeconds?: number;
  /** The folder the step ended in (its last `cd`), only when it succeeded. */
  cwd?: string;
  /** Where a failed step stopped, when bash could tell: line in the step's code and the command. */
  failedCommand?: { line: number; command: string };
}

/** What `runStep` needs: the code, where to run it, the journey variables and how to report output. */
export interface RunStepOptions {
  code: string;
  cwd: string;
  /** Merged over process.env; the caller passes the journey variables. */
  env: Record<string, string>;
  timeoutSeconds?: number;
  signal?: AbortSignal;
  onOutput?: (text: string, stream: 'stdout' | 'stderr') => void;
  /** Export plain assignments too (`set -a`), as a plain tutorial's reader expects them to carry to the next block. */
  carryAssignments?: boolean;
  /** Hand the step the learner's terminal: its standard input (`line`), or every stream (`terminal`). */
  keyboard?: 'line' | 'terminal';
}

const STDERR_TAIL_LINES = 20;
/** Longer delays make Node's setTimeout fire at once; such a timeout means "no timeout". */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** After SIGTERM, how long a step's processes get before SIGKILL. */
const KILL_GRACE_MS = 2000;
/**
 * After bash exits, how long to wait for its output pipes to close. A step that leaves a process
 * in the background (`kubectl port-forward ... &`) keeps them open; we then stop waiting, so the
 * step finishes, and drop that process's later output.
 */
const OUTPUT_GRACE_MS = 250;
/** How a step's script shows up in bash's messages: `step: line 3: kind: command not found`. */
const SCRIPT_DISPLAY_NAME = 'step';

// The wrapper is a constant: no learner text is ever spliced into it. Its one argument is the
// private folder that holds the step's code (`step`) and receives the dumps (`env-start`,
// `env-end`) and the place of a failure (`failed`). Its helpers are hidden from xtrace output.
// (Inside this template literal, `${'$'}{` is how bash's `${` is written.)
const WRAPPER = String.raw`
__hero_journey_dir=$1
__hero_journey_carry=${'$'}{2-}
shift $#
__hero_journey_pid=${'$'}{BASHPID:-$$}
__hero_journey_dump() {
  local IFS=$'\n' __hero_journey_name
  for __hero_journey_name in $(compgen -e); do
    if [ -n "${'$'}{!__hero_journey_name+x}" ]; then
      builtin printf '%s=%s\0' "$__hero_journey_name" "${'$'}{!__hero_journey_name}"
    fi
  done > "$__hero_journey_dir/$1"
  if [ "$1" = env-end ]; then builtin printf '%s' "$PWD" > "$__hero_journey_dir/cwd-end"; fi
}
__hero_journey_in_top_shell() {
  [ "$BASH_SUBSHELL" = 0 ] && [ "${'$'}{BASHPID:-$$}" = "$__hero_journey_pid" ]
}
__hero_journey_on_error() {
  if [ "$3" = "$__hero_journey_dir/step" ]; then
    builtin printf '%s\n%s' "$1" "$2" > "$__hero_journey_dir/failed"
  fi
}
__hero_journey_before_exit() {
  __hero_journey_status=$1
  shift
  if [ $# -gt 0 ]; then __hero_journey_status=$1; fi
  if __hero_journey_in_top_shell; then
    if [ "$__hero_journey_status" = 0 ]; then
      __hero_journey_dump env-end
    elif [ "${'$'}{BASH_SOURCE[2]-}" = "$__hero_journey_dir/step" ]; then
      __hero_journey_on_error "${'$'}{BASH_LINENO[1]}" "exit $*" "$__hero_journey_dir/step"
    fi
  fi
}
# The shell is about to exit, so turning xtrace off here hides only our own lines.
exit() {
  { __hero_journey_before_exit "$?" "$@"; set +x; } 2>/dev/null
  if [ $# -gt 0 ]; then builtin exit "$@"; fi
  builtin exit "$__hero_journey_status"
}
__hero_journey_dump env-start
trap '{ __hero_journey_on_error "$LINENO" "$BASH_COMMAND" "${'$'}{BASH_SOURCE[0]-}"; } 2>/dev/null' ERR
set -eEuo pipefail
if [ -n "$__hero_journey_carry" ]; then set -a; fi
source "$__hero_journey_dir/step"
{ exit; } 2>/dev/null
`;

// Exported by bash itself or describing the terminal, not by the learner's step.
const SHELL_VARIABLES = new Set([
  '_',
  'PWD',
  'OLDPWD',
  'SHLVL',
  'SHELLOPTS',
  'BASHOPTS',
  'BASH',
  'IFS',
  'PS1',
  'PS2',
  'PS3',
  'PS4',
  'LINENO',
  'RANDOM',
  'SECONDS',
  'PPID',
  'UID',
  'EUID',
  'HOSTNAME',
  'HOSTTYPE',
  'MACHTYPE',
  'OSTYPE',
  'OPTIND',
  'OPTARG',
  'COLUMNS',
  'LINES',
  'HISTFILE',
  'HISTSIZE',
]);

/** True for variables that belong to the shell (PWD, SHLVL, BASH_*, ...), never captured. */
export function isShellInternal(name: string): boolean {
  return SHELL_VARIABLES.has(name) || name.startsWith('BASH_') || name.startsWith('__hero_journey');
}

/** Parses a NUL-separated `NAME=value` dump (values may hold newlines and `=`). */
export function parseEnvironmentDump(dump: Buffer | string): Record<string, string> {
  const text = typeof dump === 'string' ? dump : dump.toString('utf8');
  const vars = dict<string>();
  for (const entry of text.split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return vars;
}

/** The variables that are new or changed in `after`, without shell internals. Unset variables are not reported. */
export function capturedVariables(before: Record<string, string>, after: Record<string, string>): Record<string, string> {
  const captured = dict<string>();
  for (const [name, value] of Object.entries(after)) {
    if (isShellInternal(name)) continue;
    if (Object.hasOwn(before, name) && before[name] === value) continue;
    captured[name] = value;
  }
  return captured;
}

/** Finds bash on PATH (the given PATH, or this process's): a UserError when there is none. */
export async function findBash(pathValue: string | undefined = process.env.PATH): Promise<string> {
  for (const dir of (pathValue ?? '').split(path.delimiter)) {
    if (!dir || !path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, 'bash');
    try {
      await access(candidate, fsConstants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  throw new UserError('bash was not found on your PATH, and every step runs in bash', {
    hint: 'install bash (it is a package called "bash" on every Linux distribution and in Homebrew), then run `hero-journey doctor`',
  });
}

async function assertWorkspace(cwd: string): Promise<void> {
  let isDirectory = false;
  try {
    isDirectory = (await stat(cwd)).isDirectory();
  } catch {
    // Reported below.
  }
  if (!isDirectory) {
    throw new UserError(`the workspace folder ${cwd} does not exist`, {
      hint: 'create it, or pass --workspace with a folder that exists',
    });
  }
}

function waitForClose(stream: Readable | null | undefined): Promise<void> {
  if (!stream || stream.destroyed || stream.readableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.once('end', () => resolve());
  });
}

/** Waits for `promise`, at most `ms`; the timer is cleared either way, so it never delays the app's exit. */
async function waitAtMost(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function parseFailure(text: string | undefined): StepResult['failedCommand'] {
  if (!text) return undefined;
  const newline = text.indexOf('\n');
  const line = Number(text.slice(0, newline));
  const command = text.slice(newline + 1).trim();
  return newline > 0 && Number.isInteger(line) && line > 0 && command ? { line, command } : undefined;
}

/**
 * Runs a step's code with bash under `set -euo pipefail`, in `cwd`, with `env` over process.env,
 * streaming output through `onOutput`, and reports how it ended and what it exported.
 */
export async function runStep(options: RunStepOptions): Promise<StepResult> {
  const { code, cwd, env, timeoutSeconds, signal, onOutput, carryAssignments, keyboard } = options;
  // Measured from here, not from the spawn, so it matches the elapsed time a live display shows.
  const started = performance.now();
  const timeoutFields = timeoutSeconds !== undefined ? { timeoutSeconds } : {};
  const bash = await findBash(env.PATH ?? process.env.PATH);
  await assertWorkspace(cwd);
  if (signal?.aborted) {
    return { exitCode: undefined, timedOut: false, cancelled: true, durationMs: 0, captured: {}, stderrTail: '', ...timeoutFields };
  }

  const dir = await mkdtemp(path.join(tmpdir(), 'hero-journey-step-'));
  try {
    const scriptPath = path.join(dir, 'step');
    await writeFile(scriptPath, code.endsWith('\n') ? code : `${code}\n`, { mode: 0o600, flag: 'wx' });
    // Loaded here, not at the top: only paths that run steps pay for importing execa.
    const { execa } = await import('execa');

    const subprocess = execa(bash, ['-c', WRAPPER, 'bash', dir, carryAssignments ? '1' : ''], {
      cwd,
      env,
      extendEnv: true,
      stdin: keyboard ? 'inherit' : 'ignore',
      stdout: keyboard === 'terminal' ? 'inherit' : 'pipe',
      stderr: keyboard === 'terminal' ? 'inherit' : 'pipe',
      encoding: 'buffer',
      buffer: false,
      reject: false,
      // Own process group; kill() signals the whole group, and SIGKILL follows after the grace period.
      // A step with the whole terminal stays in its process group, so it may open /dev/tty and hears Ctrl-C and resizes.
      killDescendants: keyboard !== 'terminal',
      forceKillAfterDelay: KILL_GRACE_MS,
    });

    let timedOut = false;
    let cancelled = false;
    let forwarding = true;
    const tail = createTailBuffer(STDERR_TAIL_LINES);
    const attach = (stream: Readable | null, name: 'stdout' | 'stderr') => {
      if (!stream) return;
      const decoder = new TextDecoder('utf-8');
      const emit = (text: string) => {
        if (!text || !forwarding) return;
        const shown = text.replaceAll(scriptPath, SCRIPT_DISPLAY_NAME);
        if (name === 'stderr') tail.push(shown);
        onOutput?.(shown, name);
      };
      stream.on('data', (chunk: Uint8Array | string) => {
        emit(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      });
      stream.once('end', () => emit(decoder.decode()));
    };
    attach(subprocess.stdout, 'stdout');
    attach(subprocess.stderr, 'stderr');

    // Timeout and cancellation are ours, not execa's `timeout`/`cancelSignal`: execa keeps those
    // armed until every output pipe closes, so a background process left by a finished step
    // would still be killed (and keep the app alive) when the timer fires.
    const stop = () => subprocess.kill();
    const timer =
      timeoutSeconds !== undefined && timeoutSeconds > 0 && timeoutSeconds * 1000 <= MAX_TIMER_MS
        ? setTimeout(() => {
            timedOut = true;
            stop();
          }, timeoutSeconds * 1000)
        : undefined;
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const child = subprocess.nodeChildProcess;
    const exited = new Promise<{ code: number | undefined; signal: string | undefined }>((resolve) => {
      child.once('exit', (exitCode, exitSignal) => resolve({ code: exitCode ?? undefined, signal: exitSignal ?? undefined }));
    });
    const ended = await Promise.race([
      exited,
      subprocess.then((result) =>
        result.exitCode === undefined && result.signal === undefined
          ? { spawnError: result.shortMessage }
          : { code: result.exitCode, signal: result.signal },
      ),
    ]);
    if (timer) clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    if ('spawnError' in ended) {
      throw new UserError(`could not start bash to run the step: ${ended.spawnError}`);
    }
    const durationMs = performance.now() - started;

    const outputClosed = Promise.all([waitForClose(subprocess.stdout), waitForClose(subprocess.stderr)]);
    await waitAtMost(outputClosed, timedOut || cancelled ? KILL_GRACE_MS + 500 : OUTPUT_GRACE_MS);
    forwarding = false;
    for (const stream of [subprocess.stdout, subprocess.stderr]) {
      // Still open: a background process holds it. Keep draining it (so that process does not
      // block or die of SIGPIPE) without keeping the app alive for it.
      if (stream && !stream.destroyed && !stream.readableEnded) (stream as Partial<Socket>).unref?.();
    }

    const exitCode = ended.code;
    const succeeded = exitCode === 0 && !timedOut && !cancelled;
    const readOptional = (name: string) => readFile(path.join(dir, name)).catch(() => undefined);
    let captured: Record<string, string> = {};
    let endedIn: string | undefined;
    if (succeeded) {
      const [before, after, cwdEnd] = await Promise.all([readOptional('env-start'), readOptional('env-end'), readOptional('cwd-end')]);
      endedIn = cwdEnd?.toString('utf8') || undefined;
      // No "after" dump: the step replaced the shell with `exec`; there is nothing to capture.
      if (before && after) captured = capturedVariables(parseEnvironmentDump(before), parseEnvironmentDump(after));
    }
    const failedCommand = !succeeded && !timedOut && !cancelled ? parseFailure((await readOptional('failed'))?.toString('utf8')) : undefined;

    return {
      exitCode,
      ...(ended.signal !== undefined ? { signal: ended.signal } : {}),
      timedOut,
      cancelled,
      durationMs,
      captured,
      stderrTail: tail.text(),
      ...timeoutFields,
      ...(endedIn ? { cwd: endedIn } : {}),
      ...(failedCommand ? { failedCommand } : {}),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
