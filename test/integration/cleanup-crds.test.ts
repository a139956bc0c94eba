// The workspace's cleanup/remove-crds.sh, which the Clean Up chapter runs after uninstalling
// cert-manager, CloudNativePG, Crossplane and Traefik (Helm keeps a chart's CRDs), run against the
// local control plane. Its CRDs here are a group of this test's own, so that the cert-manager CRDs
// other tests of the run use are never touched: the script keeps CRDs while objects of their
// kinds are left, naming them, and deletes them once none are.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { apply, cluster } from './checks/support.ts';

const exec = promisify(execFile);
const script = fileURLToPath(new URL('../../templates/workspace/cleanup/remove-crds.sh', import.meta.url));
const sandbox = cluster.sandbox();
const GROUP = 'cleanup-test.hero.example.com';
afterAll(() => sandbox.cleanup());

function crd(plural: string, kind: string, scope: 'Namespaced' | 'Cluster'): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: ${plural}.${GROUP}
spec:
  group: ${GROUP}
  scope: ${scope}
  names: {plural: ${plural}, singular: ${kind.toLowerCase()}, kind: ${kind}}
  versions:
    - name: v1
      served: true
      storage: true
      schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`;
}

async function removeCrds(): Promise<string> {
  const { stdout } = await exec('bash', [script, 'Widgets', 'cleanup-test\\.hero\\.example\\.com'], { env: sandbox.env, timeout: 180_000 });
  return stdout;
}

async function crdNames(): Promise<string[]> {
  const { stdout } = await exec('kubectl', ['get', 'crd', '-o', 'name'], { env: sandbox.env });
  return stdout.split('\n').filter((line) => line.endsWith(`.${GROUP}`));
}

it('keeps the CRDs a chart left while objects use them, naming the objects, and deletes them once none do', async () => {
  await apply(crd('widgets', 'Widget', 'Namespaced') + '---\n' + crd('gadgets', 'Gadget', 'Cluster'));
  await exec('kubectl', ['wait', '--for=condition=Established', `crd/widgets.${GROUP}`, `crd/gadgets.${GROUP}`, '--timeout=60s'], { env: sandbox.env });
  await apply(`apiVersion: ${GROUP}/v1\nkind: Widget\nmetadata:\n  name: left-behind\n  namespace: default\n`);

  const kept = await removeCrds();
  expect(kept).toContain('Widgets: keeping its CustomResourceDefinitions, which these objects still use:');
  expect(kept).toMatch(new RegExp(`widget\\.${GROUP.replace(/\./g, '\\.')}/left-behind`));
  expect(await crdNames()).toHaveLength(2);

  await exec('kubectl', ['delete', `widgets.${GROUP}`, 'left-behind', '-n', 'default', '--wait', '--timeout=60s'], { env: sandbox.env });
  expect(await removeCrds()).toContain('Widgets: its CustomResourceDefinitions are gone.');
  expect(await crdNames()).toEqual([]);
  expect(await removeCrds()).toContain('Widgets: no CustomResourceDefinitions left.');
});
