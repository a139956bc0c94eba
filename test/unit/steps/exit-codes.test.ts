import { describe, expect, test } from 'vitest';
import { describeExit, missingCommand, signalName, summarizeExit, type StepExit } from '../../../src/steps/exit-codes.ts';

const exit = (fields: Partial<StepExit>): StepExit => ({
  exitCode: undefined,
  timedOut: false,
  cancelled: false,
  stderrTail: '',
  ...fields,
});

describe('missingCommand', () => {
  test.each([
    ['step: line 3: kind: command not found\n', 'kind'],
    ['bash: kubectl: command not found', 'kubectl'],
    ['zsh: command not found: helm', 'helm'],
    ['first: command not found\nstep: line 9: second: command not found\n', 'second'],
    ['Error: something else\n', undefined],
  ])('%j → %s', (stderr, name) => {
    expect(missingCommand(stderr)).toBe(name);
  });
});

test('signalName', () => {
  expect(signalName(9)).toBe('SIGKILL');
  expect(signalName(15)).toBe('SIGTERM');
  expect(signalName(999)).toBeUndefined();
});

describe('summarizeExit', () => {
  test.each<[Partial<StepExit>, string]>([
    [{ exitCode: 0 }, ''],
    [{ exitCode: 1 }, 'exit 1: general failure'],
    [{ exitCode: 1, stderrTail: 'step: line 2: DOMAIN: unbound variable\n' }, 'exit 1: $DOMAIN is not set'],
    [{ exitCode: 2 }, 'exit 2: wrong usage'],
    [{ exitCode: 126 }, 'exit 126: not executable'],
    [{ exitCode: 127 }, 'exit 127: command not found'],
    [{ exitCode: 127, stderrTail: 'step: line 1: kind: command not found\n' }, 'exit 127: command not found: kind'],
    [{ exitCode: 130 }, 'exit 130: interrupted (Ctrl-C)'],
    [{ exitCode: 137 }, 'exit 137: killed (SIGKILL, often out of memory)'],
    [{ exitCode: 143 }, 'exit 143: terminated (SIGTERM)'],
    [{ exitCode: 141 }, 'exit 141: killed by SIGPIPE'],
    [{ exitCode: 42 }, 'exit 42'],
    [{ signal: 'SIGTERM' }, 'killed by SIGTERM'],
    [{ timedOut: true, signal: 'SIGTERM', timeoutSeconds: 30 }, 'timed out after 30 s'],
    [{ timedOut: true, durationMs: 4_900 }, 'timed out after 5 s'],
    [{ cancelled: true, signal: 'SIGTERM' }, 'cancelled'],
  ])('%j → %s', (fields, text) => {
    expect(summarizeExit(exit(fields))).toBe(text);
  });
});

describe('describeExit', () => {
  test('explains the common codes in words', () => {
    expect(describeExit(exit({ exitCode: 0 }))).toMatch(/successfully/);
    expect(describeExit(exit({ exitCode: 1 }))).toMatch(/exit code 1, a general failure/);
    expect(describeExit(exit({ exitCode: 2 }))).toMatch(/used the wrong way.*shell builtin/);
    expect(describeExit(exit({ exitCode: 126 }))).toMatch(/found but could not be run/);
    expect(describeExit(exit({ exitCode: 130 }))).toMatch(/128 \+ 2.*Ctrl-C/);
    expect(describeExit(exit({ exitCode: 137 }))).toMatch(/SIGKILL.*ran out of memory/);
    expect(describeExit(exit({ exitCode: 143 }))).toMatch(/SIGTERM/);
    expect(describeExit(exit({ exitCode: 77 }))).toMatch(/exit code 77.*depends on the command/);
  });

  test('names the missing command and points to doctor', () => {
    const text = describeExit(exit({ exitCode: 127, stderrTail: 'step: line 2: kind: command not found\n' }));
    expect(text).toContain('`kind` is not installed');
    expect(text).toContain('hero-journey doctor');
    expect(describeExit(exit({ exitCode: 127 }))).toContain('a command is not installed');
  });

  test('names the variable that set -u refused', () => {
    expect(describeExit(exit({ exitCode: 1, stderrTail: 'step: line 2: DOMAIN: unbound variable\n' }))).toMatch(
      /^The step failed because the variable `\$DOMAIN` is not set/,
    );
  });

  test('says where the step stopped when bash could tell', () => {
    expect(describeExit(exit({ exitCode: 1, failedCommand: { line: 3, command: 'grep -q ready status.txt' } }))).toContain(
      'It stopped at line 3: `grep -q ready status.txt`.',
    );
  });

  test('timeouts, cancellation and signals', () => {
    expect(describeExit(exit({ timedOut: true, signal: 'SIGTERM', timeoutSeconds: 30 }))).toMatch(/^The step timed out after 30 s and was stopped\./);
    expect(describeExit(exit({ cancelled: true, signal: 'SIGTERM' }))).toBe('The step was cancelled: you stopped it before it finished.');
    expect(describeExit(exit({ signal: 'SIGKILL' }))).toMatch(/did not finish: it was killed with SIGKILL/);
  });
});

describe('describeExit: network failures', () => {
  test.each([
    ['Error: INSTALLATION FAILED: Get "https://charts.jetstack.io/index.yaml": dial tcp: lookup charts.jetstack.io on 127.0.0.53:53: no such host', 'cannot reach charts.jetstack.io: no network or DNS'],
    ['The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?', 'connection refused'],
    ['Unable to connect to the server: dial tcp 10.0.0.9:6443: i/o timeout', 'cannot reach 10.0.0.9:6443: no answer in time'],
  ])('%s', (stderrTail, says) => {
    const text = describeExit(exit({ exitCode: 1, stderrTail }));
    expect(text).toContain(says);
    expect(text).toContain('What to try:');
    expect(text).not.toContain('a general failure');
  });
});
