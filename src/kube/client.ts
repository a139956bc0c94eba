// The Kubernetes API, read-only. The only module that loads @kubernetes/client-node (through
// ./client-node.ts, bundled at build time to what is used), and only with a dynamic import inside
// connectKube(): loading it takes a noticeable part of a second, so commands that never talk to a
// cluster never pay for it.
//
// We use client-node for what is hard to get right (kubeconfig auth: client certificates, tokens,
// exec plugins, OIDC, proxies) and its fetch-based HTTP library, and keep the requests themselves
// plain: JSON in, plain JSON objects out (no typed model classes, no Date conversion), so checks
// compare exactly what `kubectl get -o json` shows.
import type { Socket } from 'node:net';
import type { RequestContext } from './client-node.ts';
import { describeNetworkError, describeStatusError, isKubeError, KubeError, withoutSecrets, type ConnectionFacts } from './errors.ts';
import { clientKubeconfig, resolveKubeconfig, type KubeSelection, type ResolvedKubeconfig } from './kubeconfig.ts';
import type { KindRef, KubeObject, KubeReader, ListRef, ObjectRef, ResourceInfo, WatchEvent, WatchHandle } from './types.ts';

/** Start loading the Kubernetes client in the background (it takes most of a second), e.g. while the learner reads a chapter whose checks will need it. */
export function preloadKubeClient(): void {
  void kubeClientReady();
}

/** Resolves once the Kubernetes client is loaded (loading it if need be); never rejects. */
export function kubeClientReady(): Promise<void> {
  return import('./client-node.ts').then(
    () => undefined,
    () => undefined,
  );
}

/** A connection to one cluster: a read-only reader for checks, plus what `doctor` asks. */
export interface KubeConnection {
  /** Context, cluster, user, server and namespace in use, and the kubeconfig files read. */
  readonly info: Omit<ResolvedKubeconfig, 'config'>;
  /** Get, list and watch; nothing else. This is what check modules receive. */
  readonly reader: KubeReader;
  /**
   * Keep a collection in memory (list, then watch): `onChange` gets every object after the list
   * and after each change. Used to wait for checks without asking the server again and again.
   */
  informer(ref: ListRef, onChange: (objects: KubeObject[]) => void, onError?: (error: Error) => void): Promise<WatchHandle>;
  /** The API server's version (`GET /version`). */
  serverVersion(): Promise<ServerVersion>;
  /** Whether the current user may do something (a SelfSubjectAccessReview: it asks, it changes nothing). */
  canI(attributes: AccessAttributes): Promise<AccessAnswer>;
  /** The user name the cluster knows you by (a SelfSubjectReview: it asks, it changes nothing); undefined when it cannot say. */
  whoAmI(): Promise<string | undefined>;
  /** Close connections (and stop watches) so the process can exit. */
  close(): void;
}

export interface ServerVersion {
  gitVersion: string;
  major: string;
  minor: string;
}

export interface AccessAttributes {
  verb: string;
  /** API group; `''` for the core group. */
  group: string;
  resource: string;
  namespace?: string;
}

export interface AccessAnswer {
  allowed: boolean;
  reason?: string;
}

export interface ConnectOptions {
  /** Milliseconds a single request (not a watch) may take. Default 10 s. */
  requestTimeoutMs?: number;
  /** Bytes a reply (or one watch event) may have; a larger one is cut off, unread, as an error. Default 64 MiB. */
  maxResponseBytes?: number;
}

type Dispatcher = ReturnType<RequestContext['getDispatcher']>;

/**
 * A connection to the cluster the learner selected. Reads the kubeconfig now (so a wrong context
 * fails here, with its fix); loads the Kubernetes client only with the first request, so checks
 * that never ask the API never pay for it.
 */
export async function connectKube(selection: KubeSelection, options: ConnectOptions = {}): Promise<KubeConnection> {
  const resolved = await resolveKubeconfig(selection);
  type Client = typeof import('./client-node.ts');
  type Loaded = { k8s: Client; kc: InstanceType<Client['KubeConfig']>; http: InstanceType<Client['IsomorphicFetchHttpLibrary']> };
  let client: Promise<Loaded> | undefined;
  /** Credentials no error message may show (a server can echo what it was sent). */
  const secrets: string[] = [];
  const clean = (error: KubeError): KubeError => withoutSecrets(error, secrets);
  const loadClient = () =>
    (client ??= (async () => {
      const k8s = await import('./client-node.ts');
      const kc = new k8s.KubeConfig();
      // Every file the kubeconfig names is read (and judged) here, not by the client.
      const credentials = await clientKubeconfig(resolved, selection.confine);
      secrets.push(...credentials.secrets);
      try {
        kc.loadFromString(JSON.stringify(credentials.document));
      } catch (error) {
        throw new KubeError('config', `your kubeconfig cannot be used: ${(error as Error).message}`, {
          hint: 'export a fresh kubeconfig from the cluster',
          cause: error,
        });
      }
      if (kc.getClusters().some((c) => c.caFile) || kc.getUsers().some((u) => u.certFile || u.keyFile)) {
        throw new KubeError('config', 'your kubeconfig names a file the Kubernetes client would read on its own', { hint: 'export a fresh kubeconfig from the cluster' });
      }
      return { k8s, kc, http: new k8s.IsomorphicFetchHttpLibrary() };
    })());
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const maxBytes = options.maxResponseBytes ?? 64 * 1024 * 1024;
  const tooLarge = (what: string) =>
    new KubeError('http', `${what}: the reply is larger than ${formatBytes(maxBytes)}, so it was not read`, {
      hint: `check the server URL of context "${resolved.context}" (${resolved.server}): the Kubernetes API does not answer this much`,
    });
  const server = resolved.server.replace(/\/+$/, '');
  const facts: ConnectionFacts = { context: resolved.context, server: resolved.server, ...(resolved.user ? { user: resolved.user } : {}) };
  // One dispatcher (connection pool) for every request: client-node builds a new one per call,
  // which would open a new TLS connection each time and keep the process alive afterwards.
  let dispatcher: Dispatcher;
  const controllers = new Set<AbortController>();
  const sockets = new Set<Socket>();
  let closed = false;

  const prepare = async (method: 'GET' | 'POST', path: string, signal: AbortSignal, body?: unknown): Promise<RequestContext> => {
    const { k8s, kc } = await loadClient();
    const ctx = new k8s.RequestContext(`${server}${path}`, method === 'GET' ? k8s.HttpMethod.GET : k8s.HttpMethod.POST);
    ctx.setHeaderParam('Accept', 'application/json');
    try {
      await kc.applySecurityAuthentication(ctx);
    } catch (error) {
      throw new KubeError('unauthorized', `cannot get credentials for context "${resolved.context}": ${(error as Error).message}`, {
        hint: 'the kubeconfig runs a login plugin or reads a file that failed: log in again, or export a fresh kubeconfig',
        cause: error,
      });
    }
    if (dispatcher === undefined) dispatcher = (await ownDispatcher(kc, k8s, timeoutMs, sockets)) ?? ctx.getDispatcher();
    if (dispatcher !== undefined) ctx.setDispatcher(dispatcher);
    if (body !== undefined) {
      ctx.setHeaderParam('Content-Type', 'application/json');
      ctx.setBody(JSON.stringify(body));
    }
    ctx.setSignal(signal);
    return ctx;
  };

  /** One request with a timeout; the body as text. Network failures become KubeErrors. */
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; text: string }> => {
    if (closed) throw new KubeError('unreachable', 'the connection to the cluster was closed');
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    controllers.add(controller);
    try {
      const ctx = await prepare(method, path, controller.signal, body);
      // The clock starts with the request: loading the client and running a login plugin are this
      // machine's work, and a busy machine must not be reported as a cluster that did not answer.
      timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
      const response = await (await loadClient()).http.send(ctx).toPromise();
      const text = await readBody(response, maxBytes);
      if (text === undefined) throw tooLarge(`${method} ${path.split('?')[0]}`);
      return { status: response.httpStatusCode, text };
    } catch (error) {
      if (isKubeError(error)) throw clean(error);
      if (controller.signal.aborted && !closed) throw clean(describeNetworkError(controller.signal.reason ?? error, facts));
      throw clean(describeNetworkError(error, facts));
    } finally {
      clearTimeout(timer);
      controllers.delete(controller);
    }
  };

  const getJson = async <T>(path: string, what: string, notFound?: () => T): Promise<T> => {
    const { status, text } = await send('GET', path);
    if (status === 404 && notFound) return notFound();
    return parseReply<T>(status, text, what);
  };

  /** A successful reply's JSON; a KubeError that never quotes it otherwise. */
  const parseReply = <T>(status: number, text: string, what: string): T => {
    if (status < 200 || status > 299) throw clean(describeStatusError(status, text, what, facts));
    try {
      return JSON.parse(text) as T;
    } catch {
      // The parser's message quotes the reply: a server that proxies to something else must not have it shown.
      throw new KubeError('http', `${what}: the server answered ${status} with something that is not JSON, so not the Kubernetes API`, {
        hint: `check the server URL of context "${resolved.context}" (${resolved.server}): it should be the cluster's API server`,
        status,
      });
    }
  };

  // Discovery: apiVersion → its resource list (undefined when the group/version is not served).
  const discovery = new Map<string, Promise<ApiResourceList | undefined>>();
  const resourceList = (apiVersion: string, fresh: boolean): Promise<ApiResourceList | undefined> => {
    let cached = discovery.get(apiVersion);
    if (!cached || fresh) {
      cached = getJson<ApiResourceList | undefined>(apiVersionPath(apiVersion), `discover the kinds of ${apiVersion}`, () => undefined);
      discovery.set(apiVersion, cached);
      cached.catch(() => discovery.delete(apiVersion));
    }
    return cached;
  };
  const resource = async (ref: KindRef): Promise<ResourceInfo | undefined> => {
    const find = (list: ApiResourceList | undefined) => list?.resources?.find((r) => r.kind === ref.kind && !r.name.includes('/'));
    let found = find(await resourceList(ref.apiVersion, false));
    // A kind missing from a cached list may have arrived since (a CRD just installed): ask again.
    if (!found) found = find(await resourceList(ref.apiVersion, true));
    if (!found) return undefined;
    return { apiVersion: ref.apiVersion, kind: ref.kind, resource: found.name, namespaced: found.namespaced, verbs: found.verbs ?? [] };
  };
  const requireResource = async (ref: KindRef): Promise<ResourceInfo> => {
    const info = await resource(ref);
    if (!info) {
      throw new KubeError('not-served', `the cluster does not know the kind ${ref.kind} (${ref.apiVersion})`, {
        hint: ref.apiVersion.includes('/') && !/\.k8s\.io\/|^(apps|batch|autoscaling|policy)\//.test(ref.apiVersion)
          ? `its CustomResourceDefinition is not installed yet: install what provides ${ref.apiVersion.split('/')[0]} first`
          : `check the apiVersion and kind: \`kubectl api-resources\` lists what the cluster serves`,
      });
    }
    return info;
  };
  const collectionPath = (info: ResourceInfo, namespace: string | undefined): string =>
    `${apiVersionPath(info.apiVersion)}${info.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : ''}/${info.resource}`;
  const listQuery = (ref: ListRef, extra: Record<string, string> = {}): string => {
    const params = new URLSearchParams(extra);
    if (ref.labelSelector) params.set('labelSelector', ref.labelSelector);
    if (ref.fieldSelector) params.set('fieldSelector', ref.fieldSelector);
    const text = params.toString();
    return text ? `?${text}` : '';
  };
  const scopeOf = (info: ResourceInfo, ref: ListRef): string | undefined =>
    info.namespaced && !ref.allNamespaces ? (ref.namespace ?? resolved.namespace) : undefined;
  const describeScope = (info: ResourceInfo, namespace: string | undefined) =>
    `${info.resource}${info.namespaced ? (namespace ? ` in namespace ${namespace}` : ' in all namespaces') : ''}`;

  /**
   * Watch a collection from `resourceVersion`, reconnecting after network trouble and server
   * timeouts. When the server says the version is too old (410 Gone), `onGone` says where to go
   * on from (undefined: from now, with ADDED events for what exists).
   */
  const follow = (
    info: ResourceInfo,
    ref: ListRef,
    handlers: {
      resourceVersion?: string;
      onEvent: (event: WatchEvent) => void;
      onGone: () => Promise<string | undefined>;
      onError?: (error: Error) => void;
    },
  ): WatchHandle => {
    const namespace = scopeOf(info, ref);
    const path = collectionPath(info, namespace);
    const what = `watch ${describeScope(info, namespace)}`;
    let stopped = false;
    let resourceVersion = handlers.resourceVersion;
    let current: AbortController | undefined;
    let failures = 0;
    const loop = async (): Promise<void> => {
      while (!stopped && !closed) {
        const controller = new AbortController();
        current = controller;
        controllers.add(controller);
        try {
          const query = listQuery(ref, {
            watch: 'true',
            allowWatchBookmarks: 'true',
            timeoutSeconds: '290',
            ...(resourceVersion ? { resourceVersion } : {}),
          });
          const ctx = await prepare('GET', `${path}${query}`, controller.signal);
          const response = await (await loadClient()).http.send(ctx).toPromise();
          if (response.httpStatusCode === 410) {
            await response.body.stream()?.cancel().catch(() => {});
            resourceVersion = await handlers.onGone();
            continue;
          }
          if (response.httpStatusCode !== 200) {
            const body = await readBody(response, maxBytes);
            const error = body === undefined ? tooLarge(what) : clean(describeStatusError(response.httpStatusCode, body, what, facts));
            if ([401, 403, 404, 405].includes(response.httpStatusCode)) {
              handlers.onError?.(error);
              return;
            }
            throw error;
          }
          failures = 0;
          const gone = await readEvents(response.body.stream(), maxBytes, (event) => {
            const object = event.object as KubeObject;
            if (event.type === 'ERROR') return (object as { code?: number }).code === 410 ? 'gone' : undefined;
            const rv = object.metadata?.resourceVersion;
            if (rv) resourceVersion = rv;
            if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
              handlers.onEvent({ type: event.type, object: withKind(object, info) });
            }
            return undefined;
          });
          if (gone) resourceVersion = await handlers.onGone();
        } catch (error) {
          if (stopped || closed) return;
          failures++;
          if (failures === 3) handlers.onError?.(clean(isKubeError(error) ? error : describeNetworkError(error, facts)));
          await sleep(Math.min(5000, 100 * 2 ** failures));
        } finally {
          controllers.delete(controller);
        }
      }
    };
    void loop();
    return {
      stop() {
        stopped = true;
        current?.abort();
      },
    };
  };

  /** List, then follow changes, keeping the whole collection; `onChange` gets it after the list and after every change. */
  const informer = async (ref: ListRef, onChange: (objects: KubeObject[]) => void, onError?: (error: Error) => void): Promise<WatchHandle> => {
    const info = await requireResource(ref);
    const namespace = scopeOf(info, ref);
    const key = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
    const cache = new Map<string, KubeObject>();
    const relist = async (): Promise<string | undefined> => {
      const list = await getJson<{ items?: KubeObject[]; metadata?: { resourceVersion?: string } }>(
        `${collectionPath(info, namespace)}${listQuery(ref)}`,
        `list ${describeScope(info, namespace)}`,
      );
      cache.clear();
      for (const item of list.items ?? []) cache.set(key(item), withKind(item, info));
      onChange([...cache.values()]);
      return list.metadata?.resourceVersion;
    };
    const resourceVersion = await relist();
    return follow(info, ref, {
      ...(resourceVersion ? { resourceVersion } : {}),
      onEvent: (event) => {
        if (event.type === 'DELETED') cache.delete(key(event.object));
        else cache.set(key(event.object), event.object);
        onChange([...cache.values()]);
      },
      onGone: () => relist().catch(() => undefined),
      ...(onError ? { onError } : {}),
    });
  };

  const reader: KubeReader = {
    context: resolved.context,
    server: resolved.server,
    namespace: resolved.namespace,
    async get<T extends KubeObject>(ref: ObjectRef): Promise<T | undefined> {
      const info = await requireResource(ref);
      const namespace = info.namespaced ? (ref.namespace ?? resolved.namespace) : undefined;
      const object = await getJson<T | undefined>(
        `${collectionPath(info, namespace)}/${encodeURIComponent(ref.name)}`,
        `get ${info.resource} ${ref.name}${namespace ? ` in namespace ${namespace}` : ''}`,
        () => undefined,
      );
      return object;
    },
    async list<T extends KubeObject>(ref: ListRef): Promise<T[]> {
      const info = await requireResource(ref);
      const namespace = scopeOf(info, ref);
      const list = await getJson<{ items?: T[] }>(`${collectionPath(info, namespace)}${listQuery(ref)}`, `list ${describeScope(info, namespace)}`);
      return (list.items ?? []).map((item) => withKind(item, info));
    },
    async watch<T extends KubeObject>(ref: ListRef, onEvent: (event: WatchEvent<T>) => void, onError?: (error: Error) => void): Promise<WatchHandle> {
      const info = await requireResource(ref);
      // Without a resource version the server starts with an ADDED event for each existing object.
      return follow(info, ref, { onEvent: onEvent as (event: WatchEvent) => void, onGone: async () => undefined, ...(onError ? { onError } : {}) });
    },
    resource,
  };
  Object.freeze(reader);

  return {
    info: { files: resolved.files, context: resolved.context, cluster: resolved.cluster, user: resolved.user, server: resolved.server, namespace: resolved.namespace },
    reader,
    informer,
    async serverVersion() {
      return getJson<ServerVersion>('/version', 'read the server version');
    },
    async canI(attributes) {
      const { status, text } = await send('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SelfSubjectAccessReview',
        spec: { resourceAttributes: { verb: attributes.verb, group: attributes.group, resource: attributes.resource, ...(attributes.namespace ? { namespace: attributes.namespace } : {}) } },
      });
      const review = parseReply<{ status?: { allowed?: boolean; reason?: string } }>(status, text, 'ask what you may do (SelfSubjectAccessReview)');
      return { allowed: review.status?.allowed === true, ...(review.status?.reason ? { reason: review.status.reason } : {}) };
    },
    async whoAmI() {
      const { status, text } = await send('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
      if (status < 200 || status > 299) return undefined;
      try {
        const name = (JSON.parse(text) as { status?: { userInfo?: { username?: unknown } } }).status?.userInfo?.username;
        return typeof name === 'string' && name ? name : undefined;
      } catch {
        return undefined;
      }
    },
    close() {
      closed = true;
      for (const controller of controllers) controller.abort();
      controllers.clear();
      const pool = dispatcher as { destroy?: () => Promise<void> } | undefined;
      void pool?.destroy?.().catch(() => {});
      // Connections still being set up (a server that never completes the handshake) too.
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}

/**
 * A connection pool like client-node's, with a connect timeout as short as a request's: undici's
 * default (10 s) would keep a half-open connection to a silent server, and so the process, alive
 * long after we gave up. Undefined for proxies, where client-node's own dispatcher is used.
 */
async function ownDispatcher(
  kc: import('./client-node.ts').KubeConfig,
  undici: Pick<typeof import('./client-node.ts'), 'Agent' | 'buildConnector'>,
  timeoutMs: number,
  sockets: Set<Socket>,
): Promise<Dispatcher | undefined> {
  const https: Record<string, unknown> = {};
  await kc.applyToHTTPSOptions(https as Parameters<typeof kc.applyToHTTPSOptions>[0]);
  const agentOptions = Object.fromEntries(
    ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'].filter((k) => https[k] !== undefined).map((k) => [k, https[k]]),
  );
  const options = kc.createDispatcherOptions(kc.getCurrentCluster(), agentOptions);
  if (options.type !== 'agent') return undefined;
  const connector = undici.buildConnector({ ...options.connect, timeout: timeoutMs });
  // Keep every socket, so close() can end connections that are still being set up.
  const connect: typeof connector = (opts, callback) => {
    const socket = connector(opts, callback) as unknown as Socket | undefined;
    if (socket) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
    }
  };
  return new undici.Agent({ connect }) as unknown as Dispatcher;
}

interface ApiResourceList {
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

/** `/api/v1` for the core group, `/apis/<group>/<version>` for the others. */
export function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** List items come without apiVersion and kind; put them back so objects look like `kubectl get` shows them. */
function withKind<T extends KubeObject>(object: T, info: ResourceInfo): T {
  if (object.apiVersion && object.kind) return object;
  return { apiVersion: info.apiVersion, kind: info.kind, ...object };
}

/**
 * Read a watch stream (one JSON event per line) until it ends. `onEvent` may return 'gone' to stop
 * early (the server said the resource version is too old); the result says whether that happened.
 */
async function readEvents(
  stream: ReadableStream<Uint8Array> | null,
  maxLine: number,
  onEvent: (event: { type: string; object: unknown }) => 'gone' | undefined,
): Promise<boolean> {
  if (!stream) return false;
  const decoder = new TextDecoder();
  let buffer = '';
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline).trim();
        buffer = buffer.slice(newline + 1);
        if (!line) continue;
        let event: { type: string; object: unknown };
        try {
          event = JSON.parse(line) as { type: string; object: unknown };
        } catch {
          continue;
        }
        if (onEvent(event) === 'gone') {
          await reader.cancel().catch(() => {});
          return true;
        }
      }
      // One event never needs more than a whole reply may have: a server that never ends a line is cut off.
      if (buffer.length > maxLine) {
        await reader.cancel().catch(() => {});
        throw new Error(`a watch event longer than ${formatBytes(maxLine)}`);
      }
    }
  } finally {
    reader.releaseLock();
  }
  return false;
}

/**
 * A reply's body as text, or undefined when it has more than `maxBytes` (by its Content-Length, or
 * while reading): it is then cut off, so a huge reply costs neither memory nor parsing time.
 */
async function readBody(response: { headers: Record<string, string>; body: { stream(): ReadableStream<Uint8Array> | null } }, maxBytes: number): Promise<string | undefined> {
  const stream = response.body.stream();
  if (!stream) return '';
  if (Number(response.headers['content-length']) > maxBytes) {
    await stream.cancel().catch(() => {});
    return undefined;
  }
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return Buffer.concat(chunks, size).toString('utf8');
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
