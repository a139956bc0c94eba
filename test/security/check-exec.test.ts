// A check module (or, under `verify --trust`, a journey's checks run against every attendee)
// tries to change the cluster through `ctx.exec`. The guard must read kubectl's and helm's flag
// grammar as they do, and refuse whatever it cannot prove read-only.
import { describe, expect, it } from 'vitest';
import { createExec, refuseWrite, RefusedCommandError } from '../../src/checks/exec.ts';

describe('ctx.exec refuses what it cannot prove read-only', () => {
  it.each([
    // A global flag that takes a value hides the real verb.
    ['kubectl', ['--cache-dir', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['--as-uid', 'get', 'delete', 'ns', 'dev']],
    ['kubectl', ['--tls-server-name', 'get', 'apply', '-f', 'x.yaml']],
    ['kubectl', ['--profile', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['-v', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['--vmodule', 'get', 'delete', 'pod', 'x']],
    ['kubectl', ['--log-flush-frequency', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['--certificate-authority', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['-s', 'get', 'create', 'ns', 'x']],
    ['oc', ['--cache-dir', 'get', 'create', 'ns', 'x']],
    // A flag it does not know might take a value too.
    ['kubectl', ['--some-new-flag', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['--kuberc', 'get', 'create', 'ns', 'x']],
    ['kubectl', ['-x', 'get']],
    // `--` ends the flags: kubectl then runs what follows.
    ['kubectl', ['--', 'create', 'ns', 'x']],
    ['kubectl', ['-n', 'dev', '--', 'delete', 'ns', 'dev']],
    // Plugins and writing verbs.
    ['kubectl', ['hack', 'the-planet']],
    ['kubectl', ['create', 'namespace', 'x']],
    ['kubectl', ['--context=kind-hero', 'delete', 'ns', 'dev']],
    ['kubectl', ['-ndev', 'apply', '-f', 'x.yaml']],
    ['kubectl', ['-n=dev', 'patch', 'deploy', 'hero', '-p', '{}']],
    ['kubectl', ['config', '--kubeconfig', 'x', 'set-context', 'prod']],
    ['kubectl', ['config', 'use-context', 'prod']],
    ['kubectl', ['auth', 'reconcile', '-f', 'x']],
    ['kubectl', ['cluster-info', 'dump', '--output-directory', '/tmp/x']],
    ['kubectl', ['exec', 'pod', '--', 'rm', '-rf', '/']],
    ['kubectl', ['port-forward', 'svc/x', '8080']],
    ['kubectl', ['proxy']],
    // helm: value flags, plugins, writing verbs, post-renderers.
    ['helm', ['--kube-context', 'x', 'install', 'a', 'b']],
    ['helm', ['--repository-cache', 'list', 'uninstall', 'cert-manager']],
    ['helm', ['--registry-config', 'status', 'upgrade', 'x', 'y']],
    ['helm', ['template', 'x', 'y', '--post-renderer', './evil']],
    ['helm', ['repo', 'add', 'x', 'https://example.com']],
    ['helm', ['diff', 'upgrade', 'x']],
    ['helm', ['--', 'install', 'x', 'y']],
    // Aliases, shells, wrappers and environment tricks run anything.
    ['k', ['create', 'ns', 'x']],
    ['kubectl-hack', ['x']],
    ['./kubectl', ['get', 'pods']],
    ['bin/helm', ['list']],
    ['bash', ['-c', 'kubectl create ns x']],
    ['sh', ['-c', 'kubectl get pods']],
    ['env', ['kubectl', 'create', 'ns', 'x']],
    ['env', ['KUBECTL_KUBERC=true', 'kubectl', 'get', 'pods']],
    ['xargs', ['kubectl', 'delete', 'ns']],
    ['timeout', ['5', 'kubectl', 'delete', 'ns', 'x']],
    ['sudo', ['kubectl', 'get', 'pods']],
    ['node', ['-e', 'require("child_process").execSync("kubectl create ns x")']],
    ['curl', ['-X', 'DELETE', 'https://127.0.0.1:6443/api/v1/namespaces/dev']],
    ['docker', ['run', 'bitnami/kubectl', 'create', 'ns', 'x']],
    ['docker', ['--context', 'x', 'image', 'inspect', 'hero']],
  ])('refuses %s %j', (file, args) => {
    expect(refuseWrite(file, args)).toMatch(/^checks only read/);
  });

  it.each([
    ['kubectl', ['get', 'pods', '-n', 'dev']],
    ['kubectl', ['-n', 'dev', 'get', 'deploy', 'hero', '-o', 'json']],
    ['kubectl', ['get', '-o', 'json', 'pods']],
    ['kubectl', ['-ndev', '--context=kind-hero', 'get', 'pods']],
    ['kubectl', ['--cache-dir', '/tmp/c', '--request-timeout=5s', 'get', 'ns']],
    ['kubectl', ['--insecure-skip-tls-verify', 'get', 'ns']],
    ['kubectl', ['--context', 'attendee-1', 'get', 'create']],
    ['kubectl', ['get', '--', 'create']],
    ['kubectl', ['auth', 'can-i', 'create', 'pods']],
    ['kubectl', ['--context', 'x', 'config', 'current-context']],
    ['kubectl', ['top', 'pods', '-A']],
    ['kubectl', ['cluster-info']],
    ['kubectl', ['wait', '--for=condition=Available', 'deploy/hero']],
    ['/usr/local/bin/kubectl', ['version', '--client']],
    ['kubectl', []],
    ['helm', ['list', '-A']],
    ['helm', ['--kube-context', 'x', '-n', 'cert-manager', 'status', 'cert-manager']],
    ['helm', ['repo', 'list']],
    ['helm', ['get', 'values', 'hero']],
    ['docker', ['image', 'inspect', 'hero:0.1.0']],
    ['podman', ['images']],
  ])('lets %s %j run', (file, args) => {
    expect(refuseWrite(file, args)).toBeUndefined();
  });

  it('refuses before starting anything, and runs what reads with kuberc off', async () => {
    const exec = createExec({ PATH: process.env.PATH }, process.cwd(), new AbortController().signal);
    await expect(exec('kubectl', ['--cache-dir', 'get', 'create', 'ns', 'x'])).rejects.toBeInstanceOf(RefusedCommandError);
    await expect(exec(process.execPath, ['-e', '1'])).rejects.toThrow(/node is none of them/);
  });
});
