// npm run demo:https — "Use HTTPS" end to end on this machine, from the learner's side: a local
// control plane with pebble (a local ACME CA), cert-manager and Traefik (https-stack.ts), Hero's
// workspace from `hero-journey init`, the chapters' own steps (setup's ClusterIssuer pointed at
// pebble, Hero deployed with Helm, TLS switched on), then `hero-journey check` of the HTTPS chapter
// with the built CLI, and a TLS handshake with Traefik. Prints what was issued and where it is
// served; exits 0 only when the handshake succeeded with a certificate that verifies.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { httpsStackUnavailable, startHttpsStack, type HttpsStack } from './https-stack.ts';
import { atLocalCa, HERO_IMAGE, newLearner } from './learner.ts';

const DOMAIN = 'hero-journey.test';
const HOST = `hero.${DOMAIN}`;
const CHAPTER = 'https/cert-manager-helm';

const say = (msg: string): void => void process.stdout.write(`${msg}\n`);

async function main(): Promise<number> {
  const unavailable = httpsStackUnavailable();
  if (unavailable) {
    process.stderr.write(`demo:https cannot run here: ${unavailable}\n`);
    return 2;
  }
  const t0 = performance.now();
  const seconds = (): string => `${((performance.now() - t0) / 1000).toFixed(1)}s`;
  say('Preparing Hero\'s workspace (hero-journey init) and building Hero\'s app ...');
  const { learner, heroApp } = await newLearner();
  let stack: HttpsStack | undefined;
  try {
    stack = await startHttpsStack({ localImages: { [`${HERO_IMAGE.repo}:${HERO_IMAGE.tag}`]: heroApp }, log: (msg) => say(`  ${msg}`) });
    learner.attach(stack, [HOST]);
    say(`Up in ${seconds()}: ACME CA ${stack.acmeDirectory}, Traefik at ${stack.ingressIp}:80/443`);

    const play = async (chapter: string, title: string, extra: Record<string, string> = {}, edit?: (code: string) => string): Promise<void> => {
      say(`▶ ${chapter}: ${title}`);
      await learner.playStep(chapter, title, extra, edit);
    };
    await play('setup', 'Create the dev namespace');
    await play('setup/real-domain', 'Give Hero its name', { BASE_DOMAIN: DOMAIN });
    await play('setup/cert-manager', 'Create the letsencrypt ClusterIssuer', { ACME_EMAIL: 'learner@example.com' }, atLocalCa(stack));
    await play('define-app/helm', 'Deploy Hero with Helm');
    await play(CHAPTER, 'Upgrade Hero with TLS switched on');
    await play(CHAPTER, 'Watch cert-manager at work');
    // cert-manager writes the Secret first; Traefik serves it once its watch has seen it.
    say(`▶ waiting for Traefik to serve a certificate for ${HOST} that verifies (up to 2 min) ...`);
    const deadline = Date.now() + 120_000;
    let served = await handshake(stack, HOST).catch((error: Error) => ({ error: error.message }) as const);
    while (!('authorized' in served && served.authorized) && Date.now() < deadline) {
      await new Promise((done) => setTimeout(done, 2000));
      served = await handshake(stack, HOST).catch((error: Error) => ({ error: error.message }) as const);
    }
    if (!('cert' in served)) throw new Error(`no TLS handshake with Traefik for ${HOST}: ${served.error}`);

    say(`▶ hero-journey check ${CHAPTER}`);
    const check = await learner.checkText(CHAPTER);
    say(check.output.trimEnd().split('\n').map((l) => `  ${l}`).join('\n'));

    say('');
    say(`Issued and served (${seconds()} in all):`);
    say(`  subject:   ${served.cert.subject ? served.cert.subject.split('\n').join(', ') : '(empty: the name is in the SANs, as ACME CAs issue)'}`);
    say(`  SANs:      ${served.cert.subjectAltName ?? '(none)'}`);
    say(`  issuer:    ${(served.cert.issuer ?? '').split('\n').join(', ')}`);
    say(`  serial:    ${served.cert.serialNumber}`);
    say(`  valid:     ${served.cert.validFrom} – ${served.cert.validTo}`);
    say(`  served at: https://${HOST}/ by Traefik on ${stack.ingressIp}:443 (${served.protocol})`);
    say(`  handshake: ${served.authorized ? 'verified against pebble\'s root CA' : `NOT verified: ${served.error}`}`);
    if (!served.authorized) return 1;
    if (check.code !== 0) {
      say(`hero-journey check ${CHAPTER} exited ${check.code}`);
      return 1;
    }
    return 0;
  } finally {
    await stack?.stop();
    learner.cleanup();
  }
}

/** A TLS handshake with Traefik for HOST, verified against pebble's root CA only. */
function handshake(stack: HttpsStack, host: string): Promise<{ cert: X509Certificate; authorized: boolean; error?: string; protocol: string }> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: stack.ingressIp, port: 443, servername: host, ca: readFileSync(stack.rootCaFile), rejectUnauthorized: false }, () => {
      const peer = socket.getPeerX509Certificate();
      if (!peer) {
        socket.destroy();
        reject(new Error('Traefik presented no certificate'));
        return;
      }
      const hostError = peer.checkHost(host) === undefined ? { message: `the certificate is not for ${host} (SANs: ${peer.subjectAltName ?? 'none'})` } : undefined;
      const error = socket.authorizationError ? String(socket.authorizationError) : hostError?.message;
      resolve({ cert: peer, authorized: socket.authorized && !hostError, ...(error ? { error } : {}), protocol: socket.getProtocol() ?? 'TLS' });
      socket.end();
    });
    socket.setTimeout(10_000, () => socket.destroy(new Error('no TLS handshake within 10 s')));
    socket.on('error', reject);
  });
}

// Everything it started is stopped by then; exit without waiting for idle sockets of the clients.
main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`demo:https failed: ${error.message}\n`);
    process.exit(1);
  },
);
