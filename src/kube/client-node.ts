// The parts of @kubernetes/client-node that src/kube/client.ts uses. The build bundles this file
// (tree-shaken, see scripts/bundle-kube-client.ts), so the generated API classes we never call are
// never loaded; run from source, it is a plain re-export.
export { HttpMethod, IsomorphicFetchHttpLibrary, KubeConfig, RequestContext } from '@kubernetes/client-node';
