/**
 * The last line of defence between hero-journey and the terminal: every byte written to stdout
 * and stderr passes here. Only the escape sequences hero-journey and its prompts use get through
 * (colours and styles, OSC 8 links, cursor moves and erasing, showing and hiding the cursor, the
 * pager's switch to and from the alternate screen);
 * everything else, such as OSC 52 clipboard writes, window titles, device queries, DCS strings,
 * 8-bit C1 controls and bidi overrides, is dropped, so an output path that forgot to sanitise
 * outside text still cannot take over the terminal. A link is never left open past its line or
 * the write that opened it.
 */

import { UNSAFE_CHARACTERS } from './sanitize.ts';

/** Escape sequences that may reach the terminal: SGR, cursor moves and erasing, cursor visibility, the alternate screen, OSC 8. */
const ALLOWED = /^(?:\u001B\[[\d;:]*m|\u001B\[\d*(?:;\d*)?[A-HJK]|\u001B\[\?(?:25|1049)[hl]|\u001B\]8;[^;\u0007\u001B]*;[^\u0007\u001B]*(?:\u0007|\u001B\\))$/;
/** One whole escape sequence at the start of the text: CSI, a string (OSC, DCS, SOS, PM, APC) up to its end, or ESC + one byte. */
const SEQUENCE = /\u001B(?:\[[0-?]*[ -/]*[@-~]|[\]PX^_][^\u0007\u001B]*(?:\u0007|\u001B\\)|[ -/]*[0-OQ-WYZ\\`a-~])/y;
/** The start of a sequence that may still be finished by the next write. */
const UNFINISHED = /^\u001B(?:\[[0-?]*[ -/]*|[\]PX^_][^\u0007\u001B\n]*\u001B?|[ -/]*)$/;
/** Longest escape sequence waited for across writes; a longer unfinished one is dropped. */
const MAX_PENDING = 4096;

// Keeps tab, newline and carriage return (the status line redraws itself with \r).
const dropUnsafe = (text: string): string => text.replace(UNSAFE_CHARACTERS, (ch) => (ch === '\r' ? ch : ''));

/** A filter for one output stream; it keeps the state of a sequence split across writes. */
export interface TerminalGuard {
  /** What of `chunk` may reach the terminal. */
  filter(chunk: string): string;
}

/** A new guard for one stream. */
export function createTerminalGuard(): TerminalGuard {
  let pending = '';
  return {
    filter(chunk) {
      const text = pending + chunk;
      pending = '';
      let out = '';
      let linkOpen = false;
      let at = 0;
      // A link ends with its line at the latest.
      const endLinkAtLine = (plain: string): string => {
        if (!linkOpen || !plain.includes('\n')) return plain;
        linkOpen = false;
        return plain.replace('\n', '\u001B]8;;\u0007\n');
      };
      for (let esc = text.indexOf('\u001B'); esc !== -1; esc = text.indexOf('\u001B', at)) {
        out += endLinkAtLine(dropUnsafe(text.slice(at, esc)));
        SEQUENCE.lastIndex = esc;
        const sequence = SEQUENCE.exec(text)?.[0];
        if (sequence === undefined) {
          // Unfinished: wait for the rest in the next write, unless it can only be garbage.
          if (text.length - esc < MAX_PENDING && UNFINISHED.test(text.slice(esc))) {
            pending = text.slice(esc);
            at = text.length;
            break;
          }
          at = esc + 1;
          continue;
        }
        at = esc + sequence.length;
        if (!ALLOWED.test(sequence)) continue;
        if (sequence.startsWith('\u001B]8;')) linkOpen = !/^\u001B\]8;[^;]*;(?:\u0007|\u001B\\)$/.test(sequence);
        out += sequence;
      }
      out += endLinkAtLine(dropUnsafe(text.slice(at)));
      return linkOpen ? `${out}\u001B]8;;\u0007` : out;
    },
  };
}

/**
 * `stream` with every write passed through a guard of its own; everything else (isTTY, columns,
 * events) is the stream's. For process.stdout and process.stderr at the CLI's edge.
 */
export function guardStream<T extends NodeJS.WritableStream>(stream: T): T {
  const guard = createTerminalGuard();
  const decoder = new TextDecoder();
  const write = (chunk: string | Uint8Array, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void): boolean => {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const done = typeof encoding === 'function' ? encoding : callback;
    return done ? stream.write(guard.filter(text), done) : stream.write(guard.filter(text));
  };
  const end = (...args: unknown[]): T => {
    const last = args.find((arg) => typeof arg === 'string' || arg instanceof Uint8Array) as string | Uint8Array | undefined;
    const done = args.find((arg) => typeof arg === 'function') as (() => void) | undefined;
    const text = last === undefined ? '' : guard.filter(typeof last === 'string' ? last : decoder.decode(last));
    if (done) stream.end(text, done);
    else stream.end(text);
    return proxy;
  };
  const proxy: T = new Proxy(stream, {
    get(target, property) {
      if (property === 'write') return write;
      if (property === 'end') return end;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}
