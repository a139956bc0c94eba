// "Use HTTPS" with real components: a certificate issued by cert-manager from a local ACME CA and
// served by Traefik, played from the learner's side with the bundled chapters' own steps and checks.
//
// test/components/https-stack.ts starts a control plane of its own and, as local processes, pebble
// (Let's Encrypt's ACME test server, its own root CA), pebble-challtestsrv (DNS for Hero's names),
// cert-manager's controller and Traefik, all built from Go modules by test/components/build.sh.
// pebble validates the HTTP-01 challenge for real: it fetches the token from Traefik at port 80 of
// Hero's address, and Traefik routes it to the solver pod cert-manager created. The fake node runs no
// containers, so the stack runs the programs of two kinds of pod itself (cert-manager's solver and
// Hero, built from the workspace) and forwards the pod's address to them. No status is written by
// the test. What differs from a learner's cluster is said where the test does it:
// - the setup chapter's ClusterIssuer names Let's Encrypt's server: the step's code is played with
//   pebble's directory URL in its place;
// - the learner trusts pebble's root CA (NODE_EXTRA_CA_CERTS), and Hero's name resolves to
//   Traefik's address through a hosts file (a DNS record on a learner's domain);
// - cert-manager runs out of cluster, so setup's "cert-manager's Deployments are available" check
//   is not asked;
// - no kustomize CLI: the test writes what `kustomize edit` would write, and kubectl builds;
// - cdk8s: the workspace's cdk8s project uses this repository's cdk8s, cdk8s-plus-33 and constructs
//   (the versions it pins, see workspace-render.test.ts) instead of `npm install`, and its `tsx`
//   is Node's own type stripping (a `tsx` on PATH that runs node);
// - ytt: played only where it is on PATH (see YTT_UNAVAILABLE), else the case skips and says why.
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../cluster/cluster.ts';
import { httpsStackUnavailable, kubectlRun, startHttpsStack, type HttpsStack } from '../components/https-stack.ts';
import { atAcmeServer, atLocalCa, HERO_IMAGE, newLearner, type CheckResult, type Learner } from '../components/learner.ts';
import { programOnPath, YTT_UNAVAILABLE } from './helpers.ts';

const NS = 'dev';
const DOMAIN = 'hero-journey.test';
const HOST = `hero.${DOMAIN}`;
/** A name pebble is configured to refuse, as a CA refuses names its policy forbids. */
const REFUSED_HOST = 'hero.refused.test';
const unavailable = httpsStackUnavailable();

let stack: HttpsStack;
let learner: Learner;

const byId = (result: { checks: CheckResult[] }, id: string): CheckResult => {
  const found = result.checks.find((c) => c.id === id);
  if (!found) throw new Error(`no check ${id} in ${JSON.stringify(result.checks)}`);
  return found;
};

/** Checks again (for up to two minutes) until `done` holds: cert-manager and Traefik react to changes within seconds. */
async function checkUntil(chapterId: string, done: (r: { code: number | null; checks: CheckResult[] }) => boolean, extra: Record<string, string> = {}): Promise<{ code: number | null; checks: CheckResult[] }> {
  const deadline = Date.now() + 240_000;
  let result = await learner.check(chapterId, extra);
  while (!done(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result = await learner.check(chapterId, extra);
  }
  return result;
}

const kubectl = (args: string[], input?: string): Promise<string> => kubectlRun(stack.cluster, args, input);
const kubectlJson = async (args: string[]): Promise<Record<string, any>> => JSON.parse(await kubectl([...args, '-o', 'json'])) as Record<string, any>;

/** Records every kind of object cert-manager made on the way (they are cleaned up when done), and the Orders by uid. */
function watchAcmeObjects(): { seen: Set<string>; orders: Set<string>; stop: () => void } {
  const seen = new Set<string>();
  const orders = new Set<string>();
  let stopped = false;
  void (async () => {
    while (!stopped) {
      try {
        const list = await kubectlJson(['get', 'certificaterequests,orders,challenges', '-n', NS]);
        for (const item of list.items as { kind: string; metadata: { uid: string } }[]) {
          seen.add(item.kind);
          if (item.kind === 'Order') orders.add(item.metadata.uid);
        }
      } catch {
        // the next round asks again
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  return { seen, orders, stop: () => (stopped = true) };
}

/** What a learner's certificate must be: for Hero's host, valid now, key matching, chained to pebble's root. */
async function expectIssuedCertificate(host: string): Promise<X509Certificate> {
  const secret = await kubectlJson(['get', 'secret', 'hero-tls', '-n', NS]);
  const chain = Buffer.from(secret.data['tls.crt'], 'base64').toString('utf8');
  const pems = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const [leaf, ...intermediates] = pems.map((p) => new X509Certificate(p));
  expect(leaf).toBeDefined();
  expect(leaf!.checkHost(host)).toBe(host);
  expect(leaf!.subjectAltName).toBe(`DNS:${host}`);
  const root = new X509Certificate(readFileSync(stack.rootCaFile));
  const issuer = intermediates[0]!;
  expect(leaf!.verify(issuer.publicKey)).toBe(true);
  expect(issuer.verify(root.publicKey)).toBe(true);
  expect(leaf!.issuer).toContain('Pebble Intermediate CA');
  return leaf!;
}

/** The ClusterIssuer's Ready condition once its message says `answer` (cert-manager records the CA's answer there). */
async function issuerNotReady(answer: string): Promise<{ status: string; message: string } | undefined> {
  const deadline = Date.now() + 120_000;
  let condition: { status: string; message: string } | undefined;
  while (!condition?.message?.includes(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    condition = ((await kubectlJson(['get', 'clusterissuer', 'letsencrypt'])).status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
  }
  return condition;
}

/** The issuer checks (setup's, the HTTPS chapter's and its Helm variant's) fail showing the CA's answer, and their hints say what to fix. */
async function expectIssuerChecksTeach(answer: string, extra: Record<string, string>): Promise<void> {
  for (const chapterId of ['https/cert-manager', 'setup/cert-manager', 'https/cert-manager-helm']) {
    const result = await learner.check(chapterId, extra);
    const issuer = byId(result, 'issuer-ready');
    expect(issuer.status).toBe('failed');
    expect(issuer.found?.join('\n')).toContain(`status.conditions[type=Ready].status: expected "True", found "False" (ErrRegisterACMEAccount: Failed to register ACME account`);
    expect(issuer.found?.join('\n')).toContain(answer);
    expect(issuer.hint).toContain('ACME_EMAIL');
    expect(issuer.hint).toContain('https://acme-v02.api.letsencrypt.org/directory');
    expect(result.code).toBe(1);
  }
  // As the learner reads it: in the failure's box, wrapped, the borders taken out.
  const text = await learner.checkText('https/cert-manager');
  expect(text.output.replace(/\s*│\s*/g, ' ').replace(/\s+/g, ' ')).toContain(answer);
}

/**
 * The HTTPS chapter CHAPTER played after `switchOn` (the steps that switch TLS on in Hero's
 * definition and apply it): its "Watch cert-manager at work" step, the ACME objects cert-manager
 * made on the way, the certificate issued, and the chapter's checks passing with a real handshake.
 */
async function expectHttpsTrail(chapterId: string, switchOn: () => Promise<unknown>): Promise<{ seen: Set<string>; result: { code: number | null; checks: CheckResult[] } }> {
  // pebble may reuse the authorization of an earlier trail for the same host (no Challenge then),
  // but every issuance is a new Order.
  const orderUids = async (): Promise<string[]> => ((await kubectlJson(['get', 'orders', '-n', NS])).items as { metadata: { uid: string } }[]).map((o) => o.metadata.uid);
  const before = new Set(await orderUids());
  const watch = watchAcmeObjects();
  try {
    await switchOn();
    const watched = await learner.playStep(chapterId, 'Watch cert-manager at work');
    expect(watched).toContain('condition met');
  } finally {
    watch.stop();
  }
  // cert-manager keeps the Orders of its CertificateRequests: one the watch missed is still listed.
  expect([...watch.orders, ...(await orderUids())].filter((uid) => !before.has(uid))).not.toEqual([]);
  await expectIssuedCertificate(HOST);
  const result = await checkUntil(chapterId, (r) => r.code === 0);
  expect(result.checks.map((c) => [c.id, c.status])).toEqual([['issuer-ready', 'passed'], ['certificate-ready', 'passed'], ['tls-secret-valid', 'passed'], ['https-answers', 'passed']]);
  expect(byId(result, 'https-answers').reason).toBe(`GET https://${HOST}/ → 200 over trusted HTTPS`);
  return { seen: watch.seen, result };
}

/** Removes the Hero a previous trail deployed, and its certificate's Secret, so the next definition starts where a learner would. */
async function removeHero(): Promise<void> {
  await kubectl(['delete', 'deployment,service,ingress,certificate', 'hero', '-n', NS, '--ignore-not-found', '--wait']);
  await kubectl(['delete', 'secret', 'hero-tls', '-n', NS, '--ignore-not-found']);
  learner.vars = { ...learner.vars, TLS_ENABLED: 'false' };
}

describe.skipIf(unavailable)('Use HTTPS with cert-manager, pebble and Traefik', () => {
  beforeAll(async () => {
    if (!existsSync(join(fileURLToPath(new URL('../../dist', import.meta.url)), 'cli'))) throw new Error('run `npm run build` first: this test runs the built CLI');
    const made = await newLearner();
    learner = made.learner;
    stack = await startHttpsStack({ refusedNames: [REFUSED_HOST], localImages: { [`${HERO_IMAGE.repo}:${HERO_IMAGE.tag}`]: made.heroApp }, log: () => undefined });
    learner.attach(stack, [HOST, REFUSED_HOST]);
    await learner.playStep('setup', 'Create the dev namespace');
    await learner.playStep('setup/real-domain', 'Give Hero its name', { BASE_DOMAIN: DOMAIN });
    expect(learner.vars).toMatchObject({ APP_HOST: HOST, TLS_ENABLED: 'false' });
  }, 300_000);

  afterAll(async () => {
    await stack?.stop();
    learner?.cleanup();
  });

  it('setup/cert-manager: an email the CA refuses leaves the ClusterIssuer not Ready, and the checks show the CA\'s answer and what to fix', async () => {
    // Passes the chapter's `validate: email`, but is not an address (two dots in a row): the CA refuses the account.
    const email = 'hero..learner@example.com';
    await learner.playStep('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: email }, atLocalCa(stack));
    const answer = `contact email "${email}" is invalid`;
    expect(await issuerNotReady(answer)).toMatchObject({ status: 'False', message: expect.stringContaining(answer) });
    await expectIssuerChecksTeach(answer, { ACME_EMAIL: email });
  });

  it('setup/cert-manager: an ACME server that cannot be reached leaves the ClusterIssuer not Ready, and the checks say what to fix', async () => {
    // A port of 127.0.0.1 where nothing listens, as a mistyped server URL or a cluster without internet looks to cert-manager.
    const [port] = await freePorts(1);
    await learner.playStep('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: 'learner@example.com' }, atAcmeServer(`https://127.0.0.1:${port}/directory`));
    const answer = `dial tcp 127.0.0.1:${port}: connect: connection refused`;
    expect(await issuerNotReady(answer)).toMatchObject({ status: 'False', message: expect.stringContaining(answer) });
    await expectIssuerChecksTeach(answer, { ACME_EMAIL: 'learner@example.com' });
  });

  it('setup/cert-manager: with a good email the ClusterIssuer registers an account with the local CA and is Ready', async () => {
    await learner.playStep('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: 'learner@example.com' }, atLocalCa(stack));
    const result = await checkUntil('https/cert-manager', (r) => byId(r, 'issuer-ready').status === 'passed');
    expect(byId(result, 'issuer-ready').status).toBe('passed');
    const issuer = await kubectlJson(['get', 'clusterissuer', 'letsencrypt']);
    expect(issuer.status.acme.uri).toContain('127.0.0.1');
    expect(issuer.spec.acme.email).toBe('learner@example.com');
  });

  describe('the Helm trail', () => {
    it('https/cert-manager-helm: cert-manager gets Hero\'s certificate from the CA, and Hero answers over trusted HTTPS', async () => {
      await learner.playStep('define-app/helm', 'Deploy Hero with Helm');
      const { seen, result } = await expectHttpsTrail('https/cert-manager-helm', () => learner.playStep('https/cert-manager-helm', 'Upgrade Hero with TLS switched on'));
      expect([...seen].sort()).toEqual(['CertificateRequest', 'Challenge', 'Order']);
      const request = (await kubectlJson(['get', 'certificaterequests', '-n', NS])).items[0];
      expect(request.status.conditions).toEqual(expect.arrayContaining([
        expect.objectContaining({ type: 'Approved', status: 'True' }),
        expect.objectContaining({ type: 'Ready', status: 'True', reason: 'Issued' }),
      ]));
      expect((await kubectlJson(['get', 'orders', '-n', NS])).items[0].status.state).toBe('valid');
      expect(byId(result, 'tls-secret-valid').reason).toContain(`holds a certificate for ${HOST}`);
      expect(byId(result, 'https-answers').details).toMatch(/Pebble Intermediate CA/);
    }, 300_000);

    it('a Secret removed after issuance: the checks say what is missing and what is served instead, until cert-manager issues again', async () => {
      // With cert-manager stopped, nothing puts the Secret back while the learner looks.
      await stack.stopCertManager();
      await kubectl(['delete', 'secret', 'hero-tls', '-n', NS]);
      const broken = await checkUntil('https/cert-manager-helm', (r) => byId(r, 'tls-secret-valid').status === 'failed' && /fallback certificate/.test(byId(r, 'https-answers').hint ?? ''));
      expect(byId(broken, 'tls-secret-valid')).toMatchObject({ status: 'failed', reason: `Secret ${NS}/hero-tls does not exist yet` });
      expect(byId(broken, 'https-answers')).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining(`not ${HOST}`),
        hint: expect.stringContaining('fallback certificate'),
      });
      expect(broken.code).toBe(1);

      await stack.startCertManager();
      const healed = await checkUntil('https/cert-manager-helm', (r) => r.code === 0);
      expect(healed.checks.map((c) => c.status)).toEqual(['passed', 'passed', 'passed', 'passed']);
      await expectIssuedCertificate(HOST);
    }, 300_000);

    it('a host the CA refuses: the Certificate is not Ready, and the checks name the host and where to look', async () => {
      await learner.playStep('https/cert-manager-helm', 'Upgrade Hero with TLS switched on', { APP_HOST: REFUSED_HOST });
      // The CA's answer, as cert-manager records it on the CertificateRequest.
      const deadline = Date.now() + 120_000;
      let failed: { message: string } | undefined;
      while (!failed && Date.now() < deadline) {
        const requests = (await kubectlJson(['get', 'certificaterequests', '-n', NS])).items as { status?: { conditions?: { type: string; reason: string; message: string }[] } }[];
        failed = requests.flatMap((r) => r.status?.conditions ?? []).find((c) => c.type === 'Ready' && c.reason === 'Failed');
        if (!failed) await new Promise((resolve) => setTimeout(resolve, 500));
      }
      expect(failed?.message).toMatch(/forbidden by policy: "hero\.refused\.test"/);
      const result = await learner.check('https/cert-manager-helm');
      const ready = byId(result, 'certificate-ready');
      expect(ready).toMatchObject({ status: 'failed', hint: expect.stringContaining('kubectl describe certificate hero -n dev') });
      expect(ready.found?.join('\n')).toMatch(/False/);
      expect(byId(result, 'tls-secret-valid')).toMatchObject({ status: 'failed', reason: expect.stringContaining(`not ${REFUSED_HOST}`) });
      expect(result.code).toBe(1);
      await ok(['helm', 'uninstall', 'hero', '-n', NS, '--wait']);
      await kubectl(['delete', 'secret', 'hero-tls', '-n', NS, '--ignore-not-found']);
      learner.vars = { ...learner.vars, APP_HOST: HOST, TLS_ENABLED: 'false' };
    }, 300_000);
  });

  describe('the Kustomize trail', () => {
    it('https/cert-manager-kustomize: the tls component\'s Certificate is issued, and Hero answers over trusted HTTPS', async () => {
      const overlay = join(learner.workspace, 'kustomize', 'overlays', 'dev');
      const kustomization = join(overlay, 'kustomization.yaml');
      // What the chapters' `kustomize edit set image` and `kustomize edit add component ../../components/tls` write.
      const text = readFileSync(kustomization, 'utf8');
      const edited = text
        .replace(/- name: hero\n {4}newName: hero\n {4}newTag: 0\.1\.0/, '- name: hero\n    newName: localhost/hero\n    newTag: test')
        .replace('components: []', 'components:\n  - ../../components/tls');
      expect(edited).not.toBe(text);
      writeFileSync(kustomization, edited);
      writeFileSync(join(overlay, 'settings.env'), `host=${HOST}\n`);
      learner.vars = { ...learner.vars, TLS_ENABLED: 'true' };
      await expectHttpsTrail('https/cert-manager-kustomize', () => kubectl(['apply', '-k', overlay]));
    }, 300_000);
  });

  describe('the cdk8s trail', () => {
    it('https/cert-manager-cdk8s: Hero synthesized with HERO_TLS=true gets its Certificate issued, and answers over trusted HTTPS', async () => {
      await removeHero();
      const project = join(learner.workspace, 'cdk8s');
      // Instead of the chapter's `npm install`: the versions the project pins, from this repository.
      symlinkSync(fileURLToPath(new URL('../../node_modules', import.meta.url)), join(project, 'node_modules'), 'dir');
      // Instead of the project's tsx: Node strips the types of main.ts itself.
      const bin = join(learner.home, 'bin');
      mkdirSync(bin, { recursive: true });
      writeFileSync(join(bin, 'tsx'), `#!/bin/sh\nexec '${process.execPath}' "$@"\n`);
      chmodSync(join(bin, 'tsx'), 0o755);
      learner.env = { ...learner.env, PATH: `${bin}:${learner.env.PATH}` };

      await learner.playStep('define-app/cdk8s', 'Check for Node.js');
      const synthesized = await learner.playStep('define-app/cdk8s', 'Synthesize Hero\'s YAML');
      expect(synthesized).toContain(`image: ${HERO_IMAGE.repo}:${HERO_IMAGE.tag}`);
      expect(synthesized).not.toContain('kind: Certificate');
      await learner.playStep('define-app/cdk8s', 'Deploy Hero with cdk8s');
      expect(learner.vars.TRAIL_DEFINE).toBe('cdk8s');

      const chapter = 'https/cert-manager-cdk8s';
      await expectHttpsTrail(chapter, async () => {
        const tls = await learner.playStep(chapter, 'Synthesize Hero with TLS switched on');
        expect(tls).toMatch(/kind: Certificate/);
        expect(learner.vars.TLS_ENABLED).toBe('true');
        await learner.playStep(chapter, 'Apply Hero with TLS');
      });
      // The objects cdk8s made: its Certificate for Hero's host, and the Ingress serving it.
      const certificate = await kubectlJson(['get', 'certificate', 'hero', '-n', NS]);
      expect(certificate.spec).toMatchObject({ secretName: 'hero-tls', dnsNames: [HOST], issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt' } });
      expect((await kubectlJson(['get', 'ingress', 'hero', '-n', NS])).spec.tls).toEqual([{ hosts: [HOST], secretName: 'hero-tls' }]);
    }, 300_000);
  });

  describe('the ytt trail', () => {
    it('https/cert-manager-ytt: Hero rendered with tls.enabled=true gets its Certificate issued, and answers over trusted HTTPS', async (context) => {
      if (!(await programOnPath('ytt', learner.env))) context.skip(`${YTT_UNAVAILABLE}: the ytt trail was not played`);
      await removeHero();
      await learner.playStep('define-app/ytt', 'Deploy Hero with ytt');
      await expectHttpsTrail('https/cert-manager-ytt', () => learner.playStep('https/cert-manager-ytt', 'Apply Hero with TLS switched on'));
    }, 300_000);
  });
});

async function ok(command: string[]): Promise<void> {
  const [cmd, ...args] = command;
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd!, args, { env: learner.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`${command.join(' ')} exited ${code}: ${err}`))));
  });
}

if (unavailable) {
  describe('Use HTTPS with real components', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
}
