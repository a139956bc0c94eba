import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TerminalOptions } from '../../../src/render/terminal.ts';
import { stripAnsi, visibleWidth } from '../../../src/render/text.ts';

/** A file from test/fixtures/render. */
export function fixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/render/${name}`, import.meta.url)), 'utf8');
}

export const plain: TerminalOptions = { width: 80, color: false, hyperlinks: false, unicode: true };
export const rich: TerminalOptions = { width: 80, color: true, hyperlinks: true, unicode: true };
export const colourNoLinks: TerminalOptions = { width: 80, color: true, hyperlinks: false, unicode: true };
export const ascii: TerminalOptions = { width: 80, color: false, hyperlinks: false, unicode: false };

// Any CSI sequence or OSC sequence: what "no escape codes at all" must rule out.
const ANY_ESCAPE = /\u001B|\u009B/;
export function hasEscapes(text: string): boolean {
  return ANY_ESCAPE.test(text);
}

export const OSC8 = /\u001B\]8;;/;

/** Lines wider than `width` on screen, other than the ones allowed to be. */
export function overlongLines(text: string, width: number, allowed: (line: string) => boolean = () => false): string[] {
  return stripAnsi(text)
    .split('\n')
    .filter((line) => visibleWidth(line) > width)
    // A single unbreakable word (a URL, a path) may stick out: breaking it would make it
    // uncopyable and unclickable.
    .filter((line) => /\s/.test(line.trim()) && !allowed(line));
}
