// Types of the read-only Kubernetes client. No runtime code and no import of
// @kubernetes/client-node here: check modules and the public `hero-journey/check` types use them.

/** Any Kubernetes object, as the API server returns it (plain JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
  [field: string]: unknown;
}

export interface KubeMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  [field: string]: unknown;
}

/** Which kind of object: `apiVersion` is `v1` for the core group, otherwise `group/version`. */
export interface KindRef {
  apiVersion: string;
  kind: string;
}

/** One object by name. `namespace` defaults to the context's namespace for namespaced kinds. */
export interface ObjectRef extends KindRef {
  name: string;
  namespace?: string;
}

/** Objects of a kind. No `namespace` on a namespaced kind means the context's namespace; `allNamespaces` lists across all. */
export interface ListRef extends KindRef {
  namespace?: string;
  allNamespaces?: boolean;
  /** Label selector, as in `kubectl get -l`: `app=hero,tier!=db`. */
  labelSelector?: string;
  /** Field selector, as in `kubectl get --field-selector`: `metadata.name=hero`. */
  fieldSelector?: string;
}

/** A change seen by a watch. */
export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: T;
}

/** Stops a watch; safe to call more than once. */
export interface WatchHandle {
  stop(): void;
}

/** What the API server calls a kind: resource name, scope, verbs (from discovery). */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  /** Plural resource name, e.g. `deployments`. */
  resource: string;
  namespaced: boolean;
  verbs: string[];
}

/**
 * A read-only view of a cluster: get, list and watch any kind, custom resources included.
 * There is no way to create, change or delete anything through it.
 */
export interface KubeReader {
  /** The kubeconfig context in use. */
  readonly context: string;
  /** The API server URL. */
  readonly server: string;
  /** The namespace of the context (`default` when it names none). */
  readonly namespace: string;
  /** One object, or undefined when it does not exist. */
  get<T extends KubeObject = KubeObject>(ref: ObjectRef): Promise<T | undefined>;
  /** All objects of a kind that match; an empty list when there are none. */
  list<T extends KubeObject = KubeObject>(ref: ListRef): Promise<T[]>;
  /**
   * Follow changes: first an ADDED event for each object that exists now, then every change,
   * reconnecting by itself until `stop()`. `onError` hears about problems it cannot recover from.
   */
  watch<T extends KubeObject = KubeObject>(
    ref: ListRef,
    onEvent: (event: WatchEvent<T>) => void,
    onError?: (error: Error) => void,
  ): Promise<WatchHandle>;
  /** Resource name, scope and verbs of a kind; undefined when the cluster does not serve it. */
  resource(ref: KindRef): Promise<ResourceInfo | undefined>;
}

/** Why a request to the cluster failed, in terms a learner can act on. */
export type KubeErrorCode =
  | 'config'
  | 'unreachable'
  | 'timeout'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'not-served'
  | 'http';
