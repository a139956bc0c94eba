/**
 * `hero-journey/check`: what a journey's check modules import.
 *
 * ```ts
 * // checks/deployment-ready.ts
 * import { defineCheck } from 'hero-journey/check';
 *
 * export default defineCheck({
 *   id: 'deployment-ready',
 *   title: 'Hero is up',
 *   async run({ kube, args, vars, helpers }) {
 *     return helpers.deploymentAvailable({ name: String(args.name), namespace: vars.NAMESPACE });
 *   },
 * });
 * ```
 *
 * A check only reads: `ctx.kube` can get, list and watch, and nothing else; `ctx.exec` runs
 * kubectl and helm only with subcommands that read. A check that throws is reported as a broken
 * check (a bug in the module), never as the learner's failure.
 *
 * This module has no dependencies at run time, so importing it is instant.
 */
import type { X509Certificate } from 'node:crypto';
import type { KindRef, KubeObject, KubeReader, ObjectRef } from '../kube/types.ts';

export type {
  KindRef,
  KubeMetadata,
  KubeObject,
  KubeReader,
  ListRef,
  ObjectRef,
  ResourceInfo,
  WatchEvent,
  WatchHandle,
} from '../kube/types.ts';

/** What a check concludes. */
export interface CheckResult {
  ok: boolean;
  /** One line: what holds, or what is wrong. */
  reason: string;
  /** More lines for the learner: what was found, in detail. */
  details?: string;
  /** What to try. The chapter's `hint:` is used when the check gives none. */
  hint?: string;
}

/** How a command run through `ctx.exec` ended. It never throws for a non-zero exit. */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  /** Seconds before the command is stopped; default 30. */
  timeoutSeconds?: number;
  /** Text for the command's standard input. */
  input?: string;
}

/** Everything a check's `run` receives. */
export interface CheckContext<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** Read-only access to the learner's cluster (their kubeconfig and context). */
  kube: KubeReader;
  /** The journey's variables: defaults, inputs and what steps exported. */
  vars: Readonly<Record<string, string>>;
  /** The check's `with:` map from the chapter, with `${VAR}` references filled in. */
  args: Readonly<Args>;
  /**
   * Run a program with the learner's kubeconfig and context (and the journey's variables in its
   * environment). kubectl and helm run only with subcommands that read (get, describe, logs,
   * list, status, ...); anything else is refused before it starts.
   */
  exec(file: string, args?: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Ready-made answers for common questions. */
  helpers: CheckHelpers;
  /** Aborted when the learner stops waiting: pass it on to long operations. */
  signal: AbortSignal;
}

/** Common questions, answered the same way in every journey. */
export interface CheckHelpers {
  pass(reason: string, extra?: Omit<CheckResult, 'ok' | 'reason'>): CheckResult;
  fail(reason: string, extra?: Omit<CheckResult, 'ok' | 'reason'>): CheckResult;
  /** Passes when the Deployment exists, has rolled out its latest spec and all replicas are available. */
  deploymentAvailable(ref: { name: string; namespace?: string }): Promise<CheckResult>;
  /** Passes when the object exists and its `status.conditions` has `type` with status "True". */
  conditionTrue(ref: ObjectRef, type: string): Promise<CheckResult>;
  /** The condition of `type` in an object's `status.conditions`, if it has one. */
  condition(object: KubeObject | undefined, type: string): Condition | undefined;
  /** A `kubernetes.io/tls` Secret, parsed; undefined when the Secret does not exist. */
  tlsSecret(ref: { name: string; namespace?: string }): Promise<TlsSecret | undefined>;
  /** PEM text → certificates, in the order they appear. */
  parseCertificates(pem: string): X509Certificate[];
  /** One HTTP or HTTPS GET (no redirects followed) that never throws: the response, or why there was none. */
  httpGet(url: string, options?: HttpsGetOptions): Promise<HttpsResult>;
  /** Like httpGet, for https:// URLs only. */
  httpsGet(url: string, options?: HttpsGetOptions): Promise<HttpsResult>;
  /**
   * A failing result for an error that means `host` could not be reached (no network or DNS,
   * connection refused, a timeout), with what to try; undefined for any other error.
   */
  unreachable(error: unknown, host?: string): CheckResult | undefined;
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** A TLS Secret's contents, parsed with node:crypto. */
export interface TlsSecret {
  secret: KubeObject;
  /** The leaf certificate (the first in `tls.crt`). */
  certificate: X509Certificate;
  /** Every certificate in `tls.crt`, leaf first. */
  chain: X509Certificate[];
  /** DNS names and IP addresses of the leaf's subjectAltName. */
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
  /** Whether `tls.key` is the private key of the leaf certificate. */
  keyMatches: boolean;
  /** `ca.crt`, when the Secret has one (cert-manager adds it for private CAs). */
  caPem?: string;
  /** Whether the leaf certificate is valid for `host` (wildcards included). */
  coversHost(host: string): boolean;
}

export interface HttpsGetOptions {
  /** PEM of the CA(s) to trust instead of the system's. */
  ca?: string | string[];
  /** Name to send in TLS SNI and to verify the certificate for; default: the URL's host. */
  servername?: string;
  /** Connect to this address instead of resolving the URL's host (the URL's host is still sent as SNI and Host). */
  connectTo?: { host: string; port?: number };
  /** Verify the certificate (default true). With false the result still says whether it would verify. */
  verify?: boolean;
  /** Milliseconds before giving up; default 5000. */
  timeoutMs?: number;
}

export type HttpsResult =
  | {
      ok: true;
      status: number;
      headers: Record<string, string | string[] | undefined>;
      /** The first 64 KiB of the body, as text. */
      body: string;
      /** The certificate the server presented (HTTPS only). */
      certificate?: X509Certificate;
      /** HTTPS: whether the certificate verified against the trusted CAs for the server name. */
      authorized: boolean;
      authorizationError?: string;
    }
  | { ok: false; error: string; code?: string };

/** What a check module default-exports. */
export interface CheckDefinition<Args extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable id; by convention the module's path in `checks/` without extension. */
  id: string;
  /** What the check proves, as the learner reads it: "cert-manager is running". */
  title: string;
  /**
   * Kinds the check reads through `ctx.kube` (`[]`: none), so instructors can grant exactly
   * get/list/watch on them (`hero-journey verify` builds its RBAC from this). Waiting does not
   * need it: what `run` reads is recorded as it runs, and watched.
   */
  reads?: KindRef[];
  run(ctx: CheckContext<Args>): Promise<CheckResult> | CheckResult;
}

/** Declare a check module's default export, with types for `ctx` and the result. */
export function defineCheck<Args extends Record<string, unknown> = Record<string, unknown>>(
  definition: CheckDefinition<Args>,
): CheckDefinition<Args> {
  if (typeof definition !== 'object' || definition === null) throw new TypeError('defineCheck() needs an object: { id, title, run }');
  if (typeof definition.id !== 'string' || !definition.id) throw new TypeError('defineCheck(): `id` must be a non-empty string');
  if (typeof definition.title !== 'string' || !definition.title) throw new TypeError(`defineCheck(${definition.id}): \`title\` must be a non-empty string`);
  if (typeof definition.run !== 'function') throw new TypeError(`defineCheck(${definition.id}): \`run\` must be a function`);
  return Object.freeze({ ...definition });
}

/** A passing result. */
export function pass(reason: string, extra: Omit<CheckResult, 'ok' | 'reason'> = {}): CheckResult {
  return { ok: true, reason, ...extra };
}

/** A failing result. */
export function fail(reason: string, extra: Omit<CheckResult, 'ok' | 'reason'> = {}): CheckResult {
  return { ok: false, reason, ...extra };
}
