import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkTools, permissionFindings, permissionNeeds, pluralize, skewFinding, toolFinding } from '../../../src/checks/doctor.ts';
import { installHint, parseToolVersion } from '../../../src/checks/tools.ts';
import { loadJourney } from '../../../src/journey/load.ts';

describe('parseToolVersion', () => {
  it.each([
    ['{"clientVersion":{"major":"1","minor":"31","gitVersion":"v1.31.2"},"kustomizeVersion":"v5.4.2"}', '1.31.2'],
    ['v3.15.2+g1a500d5', '3.15.2'],
    ['version.BuildInfo{Version:"v3.12.0", GitCommit:"c9f554d"}', '3.12.0'],
    ['curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0 OpenSSL/3.0.13', '8.5.0'],
    ['Docker version 27.0.3, build 7d4bcd8', '27.0.3'],
    ['git version 2.43.0', '2.43.0'],
    ['kind v0.23.0 go1.22.2 linux/amd64', '0.23.0'],
    ['jq-1.7.1', '1.7.1'],
    ['no digits here', undefined],
  ])('%s → %s', (output, version) => {
    expect(parseToolVersion(output)).toBe(version);
  });
});

describe('toolFinding', () => {
  it('judges the version against the semver range', () => {
    expect(toolFinding({ name: 'helm', version: '>=3.12' }, '3.15.2')).toMatchObject({ status: 'ok', message: 'helm 3.15.2 (needs >=3.12)' });
    const old = toolFinding({ name: 'helm', version: '>=3.12', why: 'installs charts' }, '3.9.0');
    expect(old).toMatchObject({ status: 'problem', message: 'helm 3.9.0 does not fit what the journey needs: >=3.12 (installs charts)' });
    expect(old.fix).toBe('install helm (>=3.12): https://helm.sh/docs/intro/install/, then open a new terminal so it is on your PATH');
    expect(toolFinding({ name: 'kubectl', version: '>=1.28' }, '1.28')).toMatchObject({ status: 'ok' });
    expect(toolFinding({ name: 'odd', version: '>=1' }, undefined)).toMatchObject({ status: 'warning' });
    expect(toolFinding({ name: 'curl' }, '8.5.0')).toMatchObject({ status: 'ok', message: 'curl 8.5.0' });
  });

  it('has an install hint for tools it does not know', () => {
    expect(installHint({ name: 'frobnicate' })).toContain('package manager');
  });
});

describe('checkTools', () => {
  const bin = mkdtempSync(join(tmpdir(), 'hj-tools-'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));
  const tool = (name: string, script: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(bin, name), 0o755);
  };

  it('finds tools on PATH and reads their versions; a missing tool is a problem with the fix', async () => {
    tool('kubectl', 'echo \'{"clientVersion":{"gitVersion":"v1.30.1"}}\'');
    tool('helm', 'echo v3.11.0+gabc');
    const { findings, versions } = await checkTools(
      [{ name: 'kubectl', version: '>=1.28' }, { name: 'helm', version: '>=3.12' }, { name: 'stern', why: 'reads logs' }],
      { PATH: bin },
    );
    expect(versions.get('kubectl')).toBe('1.30.1');
    expect(findings.map((f) => [f.status, f.message])).toEqual([
      ['ok', 'kubectl 1.30.1 (needs >=1.28)'],
      ['problem', 'helm 3.11.0 does not fit what the journey needs: >=3.12'],
      ['problem', 'stern is not on your PATH (reads logs)'],
    ]);
  });

  it('gives up on a tool that does not answer, also when it left a child holding its output open', async () => {
    tool('stuck', 'sleep 30 &\nsleep 30');
    tool('daemon', 'echo 2.4.1; sleep 30 &');
    const { findings } = await checkTools([{ name: 'stuck', version: '>=1' }, { name: 'daemon', version: '>=2' }], { PATH: `${bin}:/usr/bin:/bin` }, 3000);
    expect(findings.map((f) => [f.status, f.message])).toEqual([
      ['warning', 'stuck is on your PATH, but its version could not be read; the journey needs >=1'],
      ['ok', 'daemon 2.4.1 (needs >=2)'],
    ]);
  }, 60_000);
});

describe('skewFinding', () => {
  it('allows one minor version either way', () => {
    expect(skewFinding('1.31.0', 'v1.30.4')).toMatchObject({ status: 'ok' });
    expect(skewFinding('1.29.0', 'v1.30.4')).toMatchObject({ status: 'ok' });
    const far = skewFinding('1.26.3', 'v1.30.4');
    expect(far).toMatchObject({ status: 'problem', message: "kubectl 1.26 and the server's 1.30 are 4 minor versions apart; kubectl is only supported within one (some commands will fail in odd ways)" });
    expect(far.fix).toContain('install kubectl 1.30');
  });
});

describe('permissionNeeds', () => {
  it('asks to read what asserts look at and to create what steps apply', async () => {
    const journey = await loadJourney(new URL('./fixtures/doctor-journey', import.meta.url).pathname);
    const needs = permissionNeeds(journey, 'default');
    const text = needs.map((n) => `${n.verb} ${n.resource}${n.group ? `.${n.group}` : ''} ${n.namespace ?? '*'} [${n.chapters.join(',')}]`);
    expect(text).toEqual(
      expect.arrayContaining([
        'get deployments.apps dev [start]',
        'watch deployments.apps dev [start]',
        'list certificates.cert-manager.io * [start]',
        'create deployments.apps dev [start]',
        'create customresourcedefinitions.apiextensions.k8s.io * [start]',
      ]),
    );
  });

  it('pluralizes kinds the way resource names usually are', () => {
    expect(['Deployment', 'Ingress', 'NetworkPolicy', 'ClusterIssuer', 'Gateway'].map(pluralize)).toEqual(['deployments', 'ingresses', 'networkpolicies', 'clusterissuers', 'gateways']);
  });
});

describe('permissionFindings', () => {
  it('a user with no rights at all gets one line per role to ask for, naming them', async () => {
    const journey = await loadJourney(join(import.meta.dirname, '..', '..', '..', 'chapters'));
    const needs = permissionNeeds(journey, 'default');
    expect(needs.length).toBeGreaterThan(14);
    const findings = permissionFindings(needs, 'alice@example.com');
    expect(findings.map((f) => f.message.split(' may not ')[1]!.split(' ')[0])).toEqual(['read', 'create', 'create']);
    expect(findings.every((f) => f.message.startsWith('you (alice@example.com) may not'))).toBe(true);
    expect(findings.map((f) => f.fix)).toEqual([
      expect.stringContaining('kubectl create clusterrolebinding hero-view --clusterrole=view --user=alice@example.com'),
      expect.stringContaining('kubectl create rolebinding hero-edit --clusterrole=edit --user=alice@example.com -n '),
      expect.stringContaining('kubectl create clusterrolebinding hero-cluster-admin --clusterrole=cluster-admin --user=alice@example.com'),
    ]);
  });

  it('when the cluster does not say who you are, YOUR_USER with how to find it out', () => {
    const [finding] = permissionFindings([{ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'dev', chapters: ['deploy'] }], undefined);
    expect(finding!.message).toBe('you may not create deployments.apps in namespace dev, which chapter deploy needs');
    expect(finding!.fix).toContain('--user=YOUR_USER -n dev (YOUR_USER: your name on the cluster, `kubectl auth whoami` shows it)');
  });
});
