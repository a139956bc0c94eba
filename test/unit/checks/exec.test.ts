import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createExec, parseCommandLine, RefusedCommandError } from '../../../src/checks/exec.ts';

// The attacks on the read-only guard are in test/security/check-exec.test.ts.
describe('parseCommandLine', () => {
  const grammar = { valueFlags: new Set(['-n', '--context']), boolFlags: new Set(['--debug']) };
  it('finds the verb after flags with values, in every spelling', () => {
    expect(parseCommandLine(['-n', 'dev', '--context=x', '-nx', '--debug', 'get', 'pods', '-o', 'json'], grammar)).toEqual({ verb: 'get' });
    expect(parseCommandLine(['config', '--context', 'x', 'view'], grammar, (v) => v === 'config')).toEqual({ verb: 'config', sub: 'view' });
  });
  it('gives up on what it does not know', () => {
    expect(parseCommandLine(['--other', 'get'], grammar)).toHaveProperty('unclear');
    expect(parseCommandLine(['-n'], grammar)).toHaveProperty('unclear');
  });
});

describe('createExec', () => {
  const bin = mkdtempSync(join(tmpdir(), 'hero-journey-exec-'));
  writeFileSync(join(bin, 'kubectl'), '#!/bin/sh\nprintf "%s %s" "$GREETING" "$KUBERC"\n[ "$1" = version ] || exit 3\n');
  chmodSync(join(bin, 'kubectl'), 0o755);
  const exec = createExec({ PATH: `${bin}:/usr/bin:/bin`, GREETING: 'hello', KUBERC: '/home/x/.kube/kuberc' }, process.cwd(), new AbortController().signal);

  it('runs a program with the given environment (kuberc off) and never throws on a non-zero exit', async () => {
    expect(await exec('kubectl', ['version'])).toEqual({ exitCode: 0, stdout: 'hello off', stderr: '', timedOut: false });
    expect(await exec('kubectl', ['get', 'pods'])).toMatchObject({ exitCode: 3 });
  });

  it('says when the program does not exist', async () => {
    const bare = createExec({ PATH: bin }, process.cwd(), new AbortController().signal);
    expect(await bare('helm', ['version'])).toMatchObject({ exitCode: 127 });
  });

  it('refuses writing kubectl commands before starting anything', async () => {
    await expect(exec('kubectl', ['delete', 'namespace', 'dev'])).rejects.toBeInstanceOf(RefusedCommandError);
  });
});
