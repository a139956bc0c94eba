// wrap-ansi and boxen, which measure text with string-width. The build bundles the two with
// src/render/width.ts in string-width's place (scripts/bundle-libs.ts), so that string-width itself
// loads only for text that needs it; run from source, they are the packages as they are.
export { default as wrapAnsi } from 'wrap-ansi';
export { default as boxen } from 'boxen';
