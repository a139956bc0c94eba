// The CEL implementation hero-journey evaluates `when` and asserts with. The build bundles it into one
// file (scripts/bundle-libs.ts): map and play evaluate conditions at every start.
export { Environment } from '@marcbachmann/cel-js';
export type { ASTNode, ParseResult } from '@marcbachmann/cel-js';
