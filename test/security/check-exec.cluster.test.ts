// The read-only guard of ctx.exec against the real control plane: the attack commands do create
// namespaces when kubectl runs them directly, and nothing at all through a check.
import { afterAll, describe, expect, it } from 'vitest';
import { defineCheck } from '../../src/checks/define.ts';
import { prepareChecks, runChecks, type EngineOptions } from '../../src/checks/engine.ts';
import { connectKube } from '../../src/kube/client.ts';
import { getTestCluster } from '../cluster/testenv.ts';
import { adminKubectl } from '../integration/classroom/class.ts';
import { uniqueName } from '../integration/helpers.ts';

const cluster = getTestCluster();
const sandbox = cluster.sandbox();
const names = { control: uniqueName('control'), cacheDir: uniqueName('cachedir'), dashdash: uniqueName('dashdash'), vmodule: uniqueName('vmodule') };
const attacks: Record<string, string[]> = {
  cacheDir: ['--cache-dir', 'get', 'create', 'namespace', names.cacheDir],
  dashdash: ['--', 'create', 'namespace', names.dashdash],
  vmodule: ['--vmodule', 'get', 'create', 'namespace', names.vmodule],
};

async function namespaceExists(name: string): Promise<boolean> {
  return adminKubectl(cluster, ['get', 'namespace', name, '--ignore-not-found', '-o', 'name']).then((out) => out.trim() !== '');
}

afterAll(async () => {
  for (const name of Object.values(names)) await adminKubectl(cluster, ['delete', 'namespace', name, '--ignore-not-found', '--wait=false']).catch(() => {});
  sandbox.cleanup();
});

describe('ctx.exec against the control plane', () => {
  it('kubectl itself reads a global flag value as kubectl does: the attack is real', async () => {
    await adminKubectl(cluster, ['--cache-dir', 'get', 'create', 'namespace', names.control]);
    expect(await namespaceExists(names.control)).toBe(true);
  });

  it('a check that tries the same is reported broken and creates nothing', async () => {
    const modules = Object.fromEntries(
      Object.entries(attacks).map(([id, args]) => [
        id,
        defineCheck({
          id,
          title: `Attack ${id}`,
          async run({ exec }) {
            const result = await exec('kubectl', args);
            return { ok: true, reason: `ran: ${result.exitCode}` };
          },
        }),
      ]),
    );
    const options: EngineOptions = {
      vars: {},
      choices: {},
      connect: () => connectKube({ env: sandbox.env, cwd: sandbox.home }),
      loadModule: async (id) => ({ id, file: `/journey/checks/${id}.ts`, definition: modules[id]! }),
      execEnv: sandbox.env,
      cwd: sandbox.home,
    };
    const specs = Object.keys(attacks).map((id) => ({ kind: 'use' as const, id, use: id, with: {}, loc: { file: 'attack.md', line: 1 } }));
    const outcomes = await runChecks(prepareChecks(specs, options), options, { wait: false });
    for (const outcome of outcomes) {
      expect(outcome.status).toBe('broken');
      expect(outcome.reason).toContain('checks only read');
    }
    for (const id of Object.keys(attacks)) expect(await namespaceExists(names[id as keyof typeof names])).toBe(false);
  });
});
