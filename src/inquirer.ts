// The parts of @inquirer/core that hero-journey's own prompts use (the keyed menu, the text prompt).
// The build bundles it into one file (scripts/bundle-libs.ts) instead of its twenty-odd modules
// and their packages: a chapter's first question waits for them.
export { createPrompt, isBackspaceKey, isDownKey, isEnterKey, isTabKey, isUpKey, makeTheme, useKeypress, usePrefix, useState } from '@inquirer/core';
export type { KeypressEvent } from '@inquirer/core';
