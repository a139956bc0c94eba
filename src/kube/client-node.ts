// The parts of @kubernetes/client-node and undici that src/kube/client.ts uses. The build bundles
// this file (tree-shaken, see scripts/bundle-kube-client.ts), so the generated API classes and the
// parts of undici we never call are never loaded; run from source, it is a plain re-export.
export { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
export { Agent, buildConnector } from 'undici';
