// The parts of the yaml package hero-journey uses. The build bundles them into one file
// (scripts/bundle-libs.ts): the package is some seventy CommonJS files, and loading them one by one
// cost more at startup than parsing a kubeconfig or a journey with them.
export { isAlias, isMap, isScalar, isSeq, LineCounter, parse, parseDocument, stringify } from 'yaml';
export type { Document, Node } from 'yaml';
