// What a step's exit means, in words a learner understands (zx's formatExitMessage, for people
// who are new to the shell).
import { recognizeNetworkFailure } from '../network.ts';
import { constants } from 'node:os';
import type { StepResult } from './run.ts';

/** The part of a step result that explains how it ended. */
export type StepExit = Pick<StepResult, 'exitCode' | 'signal' | 'timedOut' | 'cancelled' | 'stderrTail'> &
  Partial<Pick<StepResult, 'timeoutSeconds' | 'failedCommand' | 'durationMs'>>;

/** The name of signal number `n` (`9` → `SIGKILL`), or undefined when unknown. */
export function signalName(n: number): string | undefined {
  for (const [name, value] of Object.entries(constants.signals)) {
    if (value === n) return name;
  }
  return undefined;
}

/**
 * The name of the command that bash could not find, from its error output
 * (`step: line 3: kind: command not found`, also zsh's `command not found: kind`).
 */
export function missingCommand(stderr: string): string | undefined {
  let found: string | undefined;
  for (const match of stderr.matchAll(/(?:^|[\s:])([^\s:'"`]+): command not found(?!:)|command not found: ([^\s'"`]+)/gm)) {
    found = match[1] ?? match[2];
  }
  return found;
}

/** The variable that `set -u` refused, from bash's `NAME: unbound variable` message. */
export function unboundVariable(stderr: string): string | undefined {
  let found: string | undefined;
  for (const match of stderr.matchAll(/([A-Za-z_][A-Za-z0-9_]*): unbound variable/g)) found = match[1];
  return found;
}

function timeoutText(exit: StepExit): string {
  if (exit.timeoutSeconds !== undefined) return `timed out after ${exit.timeoutSeconds} s`;
  if (exit.durationMs !== undefined) return `timed out after ${Math.round(exit.durationMs / 1000)} s`;
  return 'timed out';
}

/**
 * A short phrase for a status line: `exit 1: general failure`, `exit 127: command not found: kind`,
 * `timed out after 30 s`, `cancelled`, `killed by SIGTERM`. Empty for success.
 */
export function summarizeExit(exit: StepExit): string {
  if (exit.cancelled) return 'cancelled';
  if (exit.timedOut) return timeoutText(exit);
  if (exit.exitCode === undefined) return exit.signal ? `killed by ${exit.signal}` : 'ended without an exit code';
  const code = exit.exitCode;
  const offline = code !== 0 && code !== 127 ? recognizeNetworkFailure(exit.stderrTail) : undefined;
  if (offline) return `exit ${code}: ${offline.reason}`;
  switch (code) {
    case 0:
      return '';
    case 1: {
      const name = unboundVariable(exit.stderrTail);
      return name ? `exit 1: $${name} is not set` : 'exit 1: general failure';
    }
    case 2:
      return 'exit 2: wrong usage';
    case 126:
      return 'exit 126: not executable';
    case 127: {
      const name = missingCommand(exit.stderrTail);
      return name ? `exit 127: command not found: ${name}` : 'exit 127: command not found';
    }
    case 130:
      return 'exit 130: interrupted (Ctrl-C)';
    case 137:
      return 'exit 137: killed (SIGKILL, often out of memory)';
    case 143:
      return 'exit 143: terminated (SIGTERM)';
  }
  if (code > 128 && code < 160) {
    const name = signalName(code - 128);
    return `exit ${code}: killed by ${name ?? `signal ${code - 128}`}`;
  }
  return `exit ${code}`;
}

function signalSentence(name: string | undefined, n: number | undefined): string {
  switch (name) {
    case 'SIGINT':
      return 'it was interrupted with Ctrl-C (SIGINT).';
    case 'SIGKILL':
      return 'it was killed with SIGKILL. That usually means the system ran out of memory, or something force-stopped it.';
    case 'SIGTERM':
      return 'it was asked to stop (SIGTERM) by something outside the step.';
    case 'SIGPIPE':
      return 'it wrote to a pipe whose reader had already finished (SIGPIPE).';
    case 'SIGSEGV':
    case 'SIGBUS':
    case 'SIGABRT':
      return `it crashed (${name}). This is a bug in that program, not in your step.`;
  }
  return `it was stopped by ${name ?? `signal ${n ?? '?'}`}.`;
}

/**
 * Explains how a step ended, in one or two sentences for a learner: what the exit code means and,
 * where we can tell, what to do about it. Names the missing command for exit 127.
 */
export function describeExit(exit: StepExit): string {
  const where = exit.failedCommand ? ` It stopped at line ${exit.failedCommand.line}: \`${exit.failedCommand.command}\`.` : '';
  if (exit.cancelled) return 'The step was cancelled: you stopped it before it finished.';
  if (exit.timedOut) {
    return `The step ${timeoutText(exit)} and was stopped. It may need more time, or it may be waiting for something that never happens (a pod that never gets ready, a prompt for input).`;
  }
  if (exit.exitCode === undefined) {
    const n = exit.signal ? constants.signals[exit.signal as keyof typeof constants.signals] : undefined;
    return `The step did not finish: ${signalSentence(exit.signal, n)}`;
  }
  const code = exit.exitCode;
  // A command that could not reach a host says why in its own words; the exit code says little more.
  const offline = code !== 0 && code !== 127 ? recognizeNetworkFailure(exit.stderrTail) : undefined;
  if (offline) return `The step failed with exit code ${code}: ${offline.reason}.${where} What to try: ${offline.hint}.`;
  switch (code) {
    case 0:
      return 'The step finished successfully (exit code 0).';
    case 1: {
      const name = unboundVariable(exit.stderrTail);
      if (name) {
        return `The step failed because the variable \`$${name}\` is not set (steps run with \`set -u\`, so an unset variable is an error). It usually comes from an earlier step or from an input of the journey.`;
      }
      return `The step failed with exit code 1, a general failure: a command reported an error. Its output above usually says why.${where}`;
    }
    case 2:
      return `The step failed with exit code 2: a command was used the wrong way (an unknown option, a missing argument, or a misused shell builtin).${where}`;
    case 126:
      return `The step failed with exit code 126: a command was found but could not be run (it is not executable, or permission was denied).${where}`;
    case 127: {
      const name = missingCommand(exit.stderrTail);
      const what = name ? `\`${name}\` is not installed, or not on your PATH` : 'a command is not installed, or not on your PATH';
      return `The step failed with exit code 127, command not found: ${what}. Run \`hero-journey doctor\` to see which tools are missing and how to install them.`;
    }
  }
  if (code > 128 && code < 160) {
    const n = code - 128;
    return `The step failed with exit code ${code} (128 + ${n}): ${signalSentence(signalName(n), n)}${where}`;
  }
  return `The step failed with exit code ${code}. What that number means depends on the command that returned it; its output above usually says why.${where}`;
}
