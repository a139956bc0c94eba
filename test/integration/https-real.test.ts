// "Use HTTPS" with real components, played from the learner's side with the bundled chapters' own
// steps and checks: setup's ClusterIssuer registers an ACME account with a local CA (and fails, saying
// why, for an email the CA refuses).
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
// - no kustomize CLI: the test writes what `kustomize edit` would write, and kubectl builds.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsStackUnavailable, kubectlRun, startHttpsStack, type HttpsStack } from '../components/https-stack.ts';
import { atLocalCa, HERO_IMAGE, newLearner, type CheckResult, type Learner } from '../components/learner.ts';

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
  const deadline = Date.now() + 120_000;
  let result = await learner.check(chapterId, extra);
  while (!done(result) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    result = await learner.check(chapterId, extra);
  }
  return result;
}

const kubectl = (args: string[], input?: string): Promise<string> => kubectlRun(stack.cluster, args, input);
const kubectlJson = async (args: string[]): Promise<Record<string, any>> => JSON.parse(await kubectl([...args, '-o', 'json'])) as Record<string, any>;

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

  it('setup/cert-manager: an email the CA refuses leaves the ClusterIssuer not Ready, and the check says so with a hint', async () => {
    // Passes the chapter's `validate: email`, but is not an address (two dots in a row): the CA refuses the account.
    await learner.playStep('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: 'hero..learner@example.com' }, atLocalCa(stack));
    // The CA's answer, as cert-manager records it on the ClusterIssuer.
    const deadline = Date.now() + 120_000;
    let condition: { status: string; message: string } | undefined;
    while (!condition?.message?.includes('invalid') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      condition = ((await kubectlJson(['get', 'clusterissuer', 'letsencrypt'])).status?.conditions ?? []).find((c: { type: string }) => c.type === 'Ready');
    }
    expect(condition).toMatchObject({ status: 'False', message: expect.stringContaining('contact email "hero..learner@example.com" is invalid') });
    const result = await learner.check('https/cert-manager');
    const issuer = byId(result, 'issuer-ready');
    expect(issuer.status).toBe('failed');
    expect(issuer.found?.join('\n')).toMatch(/False/);
    expect(result.code).toBe(1);
    const setup = await learner.check('setup/cert-manager', { ACME_EMAIL: 'hero..learner@example.com' });
    expect(byId(setup, 'issuer-ready')).toMatchObject({ status: 'failed', hint: expect.stringContaining('kubectl describe clusterissuer letsencrypt') });
  });

  it('setup/cert-manager: with a good email the ClusterIssuer registers an account with the local CA and is Ready', async () => {
    await learner.playStep('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: 'learner@example.com' }, atLocalCa(stack));
    const result = await checkUntil('https/cert-manager', (r) => byId(r, 'issuer-ready').status === 'passed');
    expect(byId(result, 'issuer-ready').status).toBe('passed');
    const issuer = await kubectlJson(['get', 'clusterissuer', 'letsencrypt']);
    expect(issuer.status.acme.uri).toContain('127.0.0.1');
    expect(issuer.spec.acme.email).toBe('learner@example.com');
  });
});

if (unavailable) {
  describe('Use HTTPS with real components', () => {
    it.skip(`skipped: ${unavailable}`, () => undefined);
  });
}
