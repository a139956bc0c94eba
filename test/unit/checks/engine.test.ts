// The engine with code checks that need no cluster (the cluster parts run in
// test/integration/checks against a real control plane).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CheckDefinition, CheckResult } from '../../../src/checks/define.ts';
import { defineCheck } from '../../../src/checks/define.ts';
import { prepareChecks, runChecks, type CheckOutcome, type EngineOptions } from '../../../src/checks/engine.ts';
import { failureBody, renderOutcome } from '../../../src/checks/report.ts';
import type { CheckSpec } from '../../../src/journey/model.ts';
import { KubeError } from '../../../src/kube/errors.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';

const loc = { file: 'chapter.md', line: 7 };

function use(module: string, extra: Partial<Extract<CheckSpec, { kind: 'use' }>> = {}): CheckSpec {
  return { kind: 'use', id: module, use: module, with: {}, loc, ...extra };
}

function engine(modules: Record<string, CheckDefinition | (() => never)>, extra: Partial<EngineOptions> = {}): EngineOptions {
  return {
    vars: { HOST: 'hero.example.com' },
    choices: {},
    connect: () => Promise.reject(new KubeError('config', 'no kubeconfig found: ~/.kube/config does not exist', { hint: 'create a cluster' })),
    loadModule: async (id) => {
      const definition = modules[id];
      if (typeof definition === 'function') return definition();
      if (!definition) throw new Error(`no fixture module ${id}`);
      return { id, file: `/journey/checks/${id}.ts`, definition };
    },
    execEnv: { PATH: process.env.PATH },
    cwd: process.cwd(),
    ...extra,
  };
}

async function run(specs: CheckSpec[], options: EngineOptions, wait = false, timeoutSeconds = 1): Promise<CheckOutcome[]> {
  return runChecks(prepareChecks(specs, options), options, { wait, defaultTimeoutSeconds: timeoutSeconds });
}

/** A promise and whether it has settled yet, to step a fake clock and look in between. */
function settledFlag<T>(promise: Promise<T>): { promise: Promise<T>; settled: boolean } {
  const flag = { promise, settled: false };
  void promise.then(() => (flag.settled = true), () => (flag.settled = true));
  return flag;
}

const passing = defineCheck({ id: 'ok', title: 'Always fine', run: ({ args }) => ({ ok: true, reason: `host is ${String(args.host)}` }) });
const failing = defineCheck({ id: 'bad', title: 'Never fine', run: () => ({ ok: false, reason: 'it is not there', hint: 'create it', details: 'looked everywhere' }) });

describe('code checks', () => {
  it('passes variables into `with` and reports the module title', async () => {
    const [outcome] = await run([use('ok', { with: { host: '${HOST}' } })], engine({ ok: passing }));
    expect(outcome).toMatchObject({ status: 'passed', title: 'Always fine', reason: 'host is hero.example.com', file: '/journey/checks/ok.ts', attempts: 1 });
  });

  it('fails with reason, details, then the module hint before the chapter hint', async () => {
    const [outcome] = await run([use('bad', { hint: 'see the chapter', title: 'Mine' })], engine({ bad: failing }));
    expect(outcome).toMatchObject({ status: 'failed', title: 'Mine', reason: 'it is not there', details: 'looked everywhere', hint: 'create it\nsee the chapter' });
    expect(failureBody(outcome!)).toBe('Found: it is not there\n\nlooked everywhere\n\nHint: create it\nsee the chapter');
  });

  it('reports a check that throws as broken, naming the module file, never as a failure', async () => {
    const throwing = defineCheck({ id: 't', title: 'Throws', run: () => { throw new TypeError("Cannot read properties of undefined (reading 'status')"); } });
    const [outcome] = await run([use('t', { hint: 'chapter hint' })], engine({ t: throwing }));
    expect(outcome).toMatchObject({
      status: 'broken',
      reason: "check module t threw an error: Cannot read properties of undefined (reading 'status')",
      file: '/journey/checks/t.ts',
    });
    expect(outcome!.hint).toContain("this is a bug in the check module /journey/checks/t.ts, not something you did");
    expect(outcome!.hint).not.toContain('chapter hint');
    const text = renderOutcome(outcome!, plainTerminal(100));
    expect(text).toContain('Broken check: Throws');
    expect(text).toContain('Module: /journey/checks/t.ts');
  });

  it('reports a result that is not { ok, reason } as broken', async () => {
    const odd = { id: 'odd', title: 'Odd', run: () => ({ passed: true }) as unknown as CheckResult };
    const nothing = { id: 'nothing', title: 'Nothing', run: () => undefined as unknown as CheckResult };
    const outcomes = await run([use('odd'), use('nothing')], engine({ odd, nothing }));
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['broken', 'check module odd returned a result without a boolean `ok`'],
      ['broken', 'check module nothing returned nothing instead of { ok, reason }'],
    ]);
  });

  it('reports a module that cannot load as broken', async () => {
    const { BrokenCheckError } = await import('../../../src/checks/modules.ts');
    const [outcome] = await run([use('gone')], engine({ gone: () => { throw new BrokenCheckError('/journey/checks/gone.ts', 'check module gone does not exist'); } }));
    expect(outcome).toMatchObject({ status: 'broken', reason: 'check module gone does not exist', file: '/journey/checks/gone.ts' });
  });

  it('refuses kubectl commands that write, as a broken check', async () => {
    const writer = defineCheck({ id: 'w', title: 'Writes', run: async ({ exec }) => { await exec('kubectl', ['delete', 'ns', 'dev']); return { ok: true, reason: 'deleted' }; } });
    const [outcome] = await run([use('w')], engine({ w: writer }));
    expect(outcome).toMatchObject({ status: 'broken' });
    expect(outcome!.reason).toMatch(/^check module w tried to run a command checks may not run: checks only read, and hero-journey cannot tell that `kubectl delete ns dev` does: "delete" is not one of the kubectl commands that only read/);
  });

  it('turns cluster trouble into a failure with its own hint (not the chapter\'s)', async () => {
    const reader = defineCheck({ id: 'r', title: 'Reads', run: async ({ kube }) => ({ ok: Boolean(await kube.get({ apiVersion: 'v1', kind: 'Namespace', name: 'dev' })), reason: 'read' }) });
    const [outcome] = await run([use('r', { hint: 'chapter hint' })], engine({ r: reader }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'no kubeconfig found: ~/.kube/config does not exist', hint: 'create a cluster' });
  });

  it('gives ctx.exec the environment, and ctx.vars/args frozen', async () => {
    const env = defineCheck({
      id: 'env',
      title: 'Env',
      run: async ({ exec, vars, args }) => {
        const out = await exec('kubectl', ['version']);
        return { ok: Object.isFrozen(vars) && Object.isFrozen(args) && out.stdout === 'hero.example.com', reason: out.stdout };
      },
    });
    // ctx.exec runs only read commands of tools it knows: a kubectl that prints $HOST stands in.
    const bin = mkdtempSync(join(tmpdir(), 'hero-journey-engine-'));
    writeFileSync(join(bin, 'kubectl'), '#!/bin/sh\nprintf %s "$HOST"\n', { mode: 0o755 });
    const [outcome] = await run([use('env')], engine({ env }, { execEnv: { PATH: bin, HOST: 'hero.example.com' } }));
    expect(outcome).toMatchObject({ status: 'passed', reason: 'hero.example.com' });
  });
});

describe('when, variables and waiting', () => {
  it('marks checks whose `when` is false as not applicable, and broken `when` as broken', async () => {
    const outcomes = await run(
      [
        use('ok', { when: { source: 'vars.HOST == "elsewhere"', loc } }),
        use('ok', { id: 'second', when: { source: 'vars.NOPE == "x"', loc } }),
      ],
      engine({ ok: passing }),
    );
    expect(outcomes.map((o) => [o.status, o.reason])).toEqual([
      ['not-applicable', 'applies only when vars.HOST == "elsewhere"'],
      ['broken', 'its `when` cannot be evaluated: variable NOPE is not set'],
    ]);
  });

  it('fails a check whose arguments name a variable that is not set, without running it', async () => {
    let ran = false;
    const spy = defineCheck({ id: 'spy', title: 'Spy', run: () => { ran = true; return { ok: true, reason: 'ran' }; } });
    const [outcome] = await run([use('spy', { with: { url: '${APP_URL}/' }, hint: 'chapter hint' })], engine({ spy }));
    expect(ran).toBe(false);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'variable APP_URL is not set, so the check cannot know what to look for' });
    expect(outcome!.hint).not.toContain('chapter hint');
  });

  it('retries a failing module until it passes (polling, for modules that read no cluster objects)', async () => {
    let calls = 0;
    const flaky = defineCheck({ id: 'f', title: 'Flaky', run: () => (++calls >= 2 ? { ok: true, reason: `passed on call ${calls}` } : { ok: false, reason: 'not yet' }) });
    const states: string[] = [];
    const options = engine({ f: flaky });
    const outcomes = await runChecks(prepareChecks([use('f')], options), options, {
      wait: true,
      defaultTimeoutSeconds: 10,
      onProgress: (s) => states.push(`${s.checks[0]!.status}:${s.checks[0]!.reason}`),
    });
    expect(outcomes[0]).toMatchObject({ status: 'passed', reason: 'passed on call 2', attempts: 2 });
    expect(states[0]).toBe('failed:not yet');
    expect(states.at(-1)).toBe('passed:passed on call 2');
  });

  it('gives up at the timeout with the last reason, not before', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const counting = defineCheck({ id: 'bad', title: 'Never fine', run: () => ({ ok: false, reason: `it is not there (call ${++calls})` }) });
      const outcomes = settledFlag(run([use('bad', { timeout: 3 })], engine({ bad: counting }), true));
      await vi.advanceTimersByTimeAsync(2999);
      expect(outcomes.settled).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(outcomes.settled).toBe(true);
      const [outcome] = await outcomes.promise;
      // Polled once a second while waiting: at 0, 1 and 2 s; the deadline at 3 s comes before the next poll.
      expect(outcome).toMatchObject({ status: 'failed', reason: 'it is not there (call 3)', attempts: 3, durationMs: 3000 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops waiting when aborted', async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const options = engine({ bad: failing });
      const outcomes = settledFlag(runChecks(prepareChecks([use('bad')], options), options, { wait: true, defaultTimeoutSeconds: 30, signal: controller.signal }));
      await vi.advanceTimersByTimeAsync(50);
      expect(outcomes.settled).toBe(false);
      controller.abort();
      // No clock moves after the abort: the wait ends on the abort itself.
      const [outcome] = await outcomes.promise;
      expect(outcome).toMatchObject({ reason: 'it is not there (stopped waiting)', durationMs: 50 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('does not count down when waiting cannot help: no kubeconfig ends the wait at once, marked as such', async () => {
    const reads = defineCheck({ id: 'reads', title: 'Reads the cluster', run: async ({ kube }) => ({ ok: Boolean(await kube.get({ apiVersion: 'v1', kind: 'ConfigMap', name: 'x' })), reason: 'looked' }) });
    // A ten-minute timeout: the test would time out if the engine waited for it.
    const [outcome] = await run([use('reads', { timeout: 600 })], engine({ reads }), true);
    expect(outcome).toMatchObject({ status: 'failed', reason: 'no kubeconfig found: ~/.kube/config does not exist', cannotPass: true, attempts: 1 });
    // A check that fails for its own reasons is not marked: waiting may still help it.
    const [own] = await run([use('bad', { timeout: 1 })], engine({ bad: failing }), true);
    expect(own!.cannotPass).toBeUndefined();
  });

  it('runs several checks at once and keeps their order', async () => {
    vi.useFakeTimers();
    try {
      const slow = defineCheck({ id: 'slow', title: 'Slow', run: () => new Promise<CheckResult>((r) => setTimeout(() => r({ ok: true, reason: 'slow' }), 200)) });
      const outcomes = settledFlag(run([use('slow'), use('ok', { id: 'b' }), use('slow', { id: 'c' })], engine({ slow, ok: passing })));
      // One after the other, the two slow checks would need 400 ms.
      await vi.advanceTimersByTimeAsync(200);
      expect(outcomes.settled).toBe(true);
      expect((await outcomes.promise).map((o) => [o.id, o.durationMs])).toEqual([['slow', 200], ['b', 0], ['c', 200]]);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('network failures in check modules', () => {
  it('a module that cannot reach a host: says so, with what to try instead of the chapter\'s hint', async () => {
    const offline = defineCheck({ id: 'o', title: 'Offline', run: () => ({ ok: false, reason: 'GET https://hero.example.com/: the host name of https://hero.example.com/ does not resolve (no network or DNS)' }) });
    const [outcome] = await run([use('o', { hint: 'make the repository public' })], engine({ o: offline }));
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome!.hint).toContain('check that this machine is online');
    expect(outcome!.hint).not.toContain('make the repository public');
  });

  it('a module that throws fetch\'s error is a failure to reach the host, not a broken check', async () => {
    const throwing = defineCheck({
      id: 'f',
      title: 'Fetches',
      run: () => {
        throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo EAI_AGAIN ghcr.io'), { code: 'EAI_AGAIN', hostname: 'ghcr.io' }) });
      },
    });
    const [outcome] = await run([use('f', { hint: 'chapter hint' })], engine({ f: throwing }));
    expect(outcome).toMatchObject({ status: 'failed', reason: 'cannot reach ghcr.io: no network or DNS (the name does not resolve)' });
    expect(outcome!.hint).not.toContain('chapter hint');
  });
});
