// Hero, defined as code with cdk8s. `npm run synth` writes dist/hero.k8s.yaml,
// which `kubectl apply` deploys. Settings come from environment variables, so the
// journey's steps (and your CI) can pass them without editing this file.
import { App, ApiObject, Chart, Duration, Size, type ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import type { Construct } from 'constructs';

interface HeroProps extends ChartProps {
  image: string;
  host: string;
  ingressClassName: string;
  /** Add a cert-manager Certificate and serve HTTPS. */
  tls: boolean;
  clusterIssuer: string;
  /** Secret with the keys host, port, username, password, dbname; empty: no database. */
  dbSecret: string;
  /** Ready the Pod for a dev loop that compiles Hero in it: room to compile, no liveness probe, writable, any user. */
  dev: boolean;
}

class Hero extends Chart {
  constructor(scope: Construct, id: string, props: HeroProps) {
    super(scope, id, props);
    const labels = { 'app.kubernetes.io/name': 'hero' };

    // cdk8s-plus picks safe defaults: non-root, read-only root filesystem, no privilege escalation.
    // Dev mode relaxes them: a Go toolchain compiles Hero in the Pod, as root, writing source and caches.
    const deployment = new kplus.Deployment(this, 'deployment', {
      metadata: { name: 'hero', labels },
      replicas: 1,
      podMetadata: { labels },
      securityContext: props.dev ? { ensureNonRoot: false } : { user: 65532, group: 65532, ensureNonRoot: true },
    });
    const container = deployment.addContainer({
      name: 'hero',
      image: props.image,
      portNumber: 8080,
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: 8080 }),
      // A liveness probe, or cdk8s-plus's default 30-second startup probe, would restart a dev
      // container while it is still compiling: dev mode has none, and 15 minutes to start.
      ...(props.dev
        ? { startup: kplus.Probe.fromTcpSocket({ port: 8080, periodSeconds: Duration.seconds(10), failureThreshold: 90 }) }
        : { liveness: kplus.Probe.fromHttpGet('/healthz', { port: 8080, periodSeconds: Duration.seconds(10) }) }),
      ...(props.dev ? { securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false } } : {}),
      resources: props.dev
        ? { cpu: { request: kplus.Cpu.millis(100) }, memory: { request: Size.mebibytes(512), limit: Size.gibibytes(2) } }
        : { cpu: { request: kplus.Cpu.millis(10) }, memory: { request: Size.mebibytes(16), limit: Size.mebibytes(64) } },
    });

    if (props.dbSecret) {
      // Each database setting comes from one key of the Secret.
      const secret = kplus.Secret.fromSecretName(this, 'db-secret', props.dbSecret);
      const keys = { DB_HOST: 'host', DB_PORT: 'port', DB_USER: 'username', DB_PASSWORD: 'password', DB_NAME: 'dbname' };
      for (const [name, key] of Object.entries(keys)) {
        container.env.addVariable(name, kplus.EnvValue.fromSecretValue({ secret, key }));
      }
      // TLS or not, as the chapter that made the database wrote it (a Secret without it: Hero prefers TLS).
      container.env.addVariable('DB_SSLMODE', kplus.EnvValue.fromSecretValue({ secret, key: 'sslmode' }, { optional: true }));
    }

    const service = deployment.exposeViaService({
      name: 'hero',
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
    });

    const ingress = new kplus.Ingress(this, 'ingress', {
      metadata: { name: 'hero', labels },
      className: props.ingressClassName,
    });
    ingress.addHostRule(props.host, '/', kplus.IngressBackend.fromService(service), kplus.HttpIngressPathType.PREFIX);

    if (props.tls) {
      // cert-manager has no cdk8s-plus construct; ApiObject writes any Kubernetes object.
      new ApiObject(this, 'certificate', {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'hero', labels },
        spec: {
          secretName: 'hero-tls',
          dnsNames: [props.host],
          issuerRef: { kind: 'ClusterIssuer', name: props.clusterIssuer },
        },
      });
      ingress.addTls([{ hosts: [props.host], secret: kplus.Secret.fromSecretName(this, 'tls-secret', 'hero-tls') }]);
    }
  }
}

const env = (name: string, fallback: string): string => process.env[name] || fallback;

const app = new App();
new Hero(app, 'hero', {
  namespace: env('HERO_NAMESPACE', 'dev'),
  image: env('HERO_IMAGE', 'hero:0.1.0'),
  host: env('HERO_HOST', 'hero.127.0.0.1.nip.io'),
  ingressClassName: env('HERO_INGRESS_CLASS', 'traefik'),
  tls: env('HERO_TLS', 'false') === 'true',
  clusterIssuer: env('HERO_CLUSTER_ISSUER', 'letsencrypt'),
  dbSecret: env('HERO_DB_SECRET', ''),
  dev: env('HERO_DEV', 'false') === 'true',
  disableResourceNameHashes: true,
});
app.synth();
