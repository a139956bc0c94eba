/**
 * Read YAML (journey.yaml, chapter front matter) into typed values while collecting every problem
 * with the line it is on. Works on the `yaml` package's node tree, so lines are exact.
 */

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from '../yaml.ts';
import type { Expression, JourneyProblem, SourceLocation } from './model.ts';
import { sanitize } from '../render/sanitize.ts';
import { didYouMean, parseDuration } from './text.ts';

/** A key of a YAML mapping, with its value node and the key's line. */
export interface Field {
  key: string;
  value: Node | null;
  line: number;
}

/** Problems and line numbers for one YAML text inside one file. */
export class YamlReader {
  readonly problems: JourneyProblem[] = [];
  readonly doc: Document.Parsed;
  private readonly lineCounter = new LineCounter();

  /**
   * @param file path of the file relative to the journey folder
   * @param text the YAML text
   * @param firstLine the file line on which `text` starts (2 for front matter after `---`)
   */
  readonly file: string;
  private readonly firstLine: number;

  constructor(file: string, text: string, firstLine = 1) {
    this.file = file;
    this.firstLine = firstLine;
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false, uniqueKeys: true });
    for (const error of this.doc.errors) {
      const line = this.lineAtOffset(error.pos[0]);
      const message =
        error.code === 'DUPLICATE_KEY'
          ? 'this key is given twice in the same mapping; keep one'
          : `this is not valid YAML: ${error.message.split('\n')[0]}`;
      this.error(line, message);
    }
  }

  /** Whether the text parsed as YAML (problems in meaning may still follow). */
  get parsed(): boolean {
    return this.doc.errors.length === 0;
  }

  /** The top-level value. */
  get root(): Node | null {
    return (this.doc.contents as Node | null) ?? null;
  }

  lineAtOffset(offset: number): number {
    return this.lineCounter.linePos(offset).line + this.firstLine - 1;
  }

  /** Line of a node, or `fallback` when the node has no position (e.g. an empty value). */
  lineOf(node: Node | null | undefined, fallback: number): number {
    const start = node?.range?.[0];
    return start === undefined ? fallback : this.lineAtOffset(start);
  }

  loc(line: number): SourceLocation {
    return { file: this.file, line };
  }

  error(line: number, message: string): void {
    this.problems.push({ loc: this.loc(line), message, severity: 'error' });
  }

  warn(line: number, message: string): void {
    this.problems.push({ loc: this.loc(line), message, severity: 'warning' });
  }

  /** Follow `*alias` references to the node they name. */
  resolve(node: Node | null | undefined): Node | null {
    if (node && isAlias(node)) return (node.resolve(this.doc) as Node | undefined) ?? null;
    return node ?? null;
  }

  /**
   * The fields of a mapping, keyed by name. Unknown keys are reported with a suggestion.
   * `what` names the thing for messages (`front matter`, `a choice`).
   */
  fields(node: Node | null, known: readonly string[], what: string, line: number): Map<string, Field> | undefined {
    const resolved = this.resolve(node);
    if (!resolved || !isMap(resolved)) {
      this.error(this.lineOf(resolved, line), `${what} must be a mapping of \`key: value\` lines (known keys: ${known.join(', ')})`);
      return undefined;
    }
    const result = new Map<string, Field>();
    for (const pair of resolved.items) {
      const keyNode = pair.key as Node | null;
      const keyLine = this.lineOf(keyNode, line);
      if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
        this.error(keyLine, `keys of ${what} must be plain words`);
        continue;
      }
      const key = keyNode.value;
      if (!known.includes(key)) {
        this.error(keyLine, `unknown key \`${key}\` in ${what}${didYouMean(key, known)} (known keys: ${known.join(', ')})`);
        continue;
      }
      result.set(key, { key, value: this.resolve(pair.value as Node | null), line: keyLine });
    }
    return result;
  }

  /** Every entry of a mapping whose keys are free (like `vars`), with lines. */
  entries(field: Field | undefined): Field[] {
    if (!field) return [];
    const node = field.value;
    if (!node || !isMap(node)) {
      this.error(field.line, `\`${field.key}\` must be a mapping of \`NAME: value\` lines`);
      return [];
    }
    const entries: Field[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const line = this.lineOf(keyNode, field.line);
      const key = keyNode ? scalarText(keyNode) : undefined;
      if (key === undefined) {
        this.error(line, `keys of \`${field.key}\` must be plain words`);
        continue;
      }
      entries.push({ key, value: this.resolve(pair.value as Node | null), line });
    }
    return entries;
  }

  /** A required field; reports it missing. */
  required(fields: Map<string, Field>, key: string, what: string, line: number): Field | undefined {
    const field = fields.get(key);
    if (!field) this.error(line, `${what} needs \`${key}\``);
    return field;
  }

  /**
   * A scalar as text. Numbers and booleans keep the way they were written (`1.20` stays `1.20`).
   * Titles, labels, prompts and messages are shown in the terminal: no control character or
   * escape sequence of the file survives (YAML's `\e` writes one).
   */
  text(field: Field | undefined): string | undefined {
    if (!field) return undefined;
    const node = field.value;
    if (!node || (isScalar(node) && (node.value === null || node.value === ''))) {
      this.error(field.line, `\`${field.key}\` needs a value`);
      return undefined;
    }
    if (!isScalar(node)) {
      this.error(field.line, `\`${field.key}\` must be text, not a ${isSeq(node) ? 'list' : 'mapping'}`);
      return undefined;
    }
    const text = scalarText(node);
    return text === undefined ? undefined : sanitize(text);
  }

  /** `true` or `false`. */
  boolean(field: Field | undefined): boolean | undefined {
    if (!field) return undefined;
    const node = field.value;
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(field.line, `\`${field.key}\` must be true or false`);
    return undefined;
  }

  /** Seconds from `90`, `"90s"`, `"5m"`. */
  seconds(field: Field | undefined): number | undefined {
    if (!field) return undefined;
    const node = field.value;
    const raw = isScalar(node) && (typeof node.value === 'number' || typeof node.value === 'string') ? node.value : undefined;
    const seconds = raw === undefined ? undefined : parseDuration(raw);
    if (seconds === undefined) {
      this.error(field.line, `\`${field.key}\` must be a duration: seconds (\`90\`), \`90s\`, \`5m\` or \`1h\``);
    }
    return seconds;
  }

  /** A CEL expression, located on the field's line (parsed later, with every other expression). */
  expression(field: Field | undefined): Expression | undefined {
    const source = this.text(field);
    if (source === undefined || !field) return undefined;
    return { source, loc: this.loc(field.line) };
  }

  /** The items of a list, each with its line. A single non-list value is reported. */
  list(field: Field | undefined): { node: Node | null; line: number }[] {
    if (!field) return [];
    const node = field.value;
    if (!node || !isSeq(node)) {
      this.error(field.line, `\`${field.key}\` must be a list (lines starting with \`- \`)`);
      return [];
    }
    return node.items.map((item) => {
      const resolved = this.resolve(item as Node | null);
      return { node: resolved, line: this.lineOf(resolved, field.line) };
    });
  }

  /** A mapping as a plain JavaScript object (for check arguments and Kubernetes objects). */
  object(field: Field | undefined): Record<string, unknown> | undefined {
    if (!field) return undefined;
    const node = field.value;
    if (!node || !isMap(node)) {
      this.error(field.line, `\`${field.key}\` must be a mapping`);
      return undefined;
    }
    try {
      // yaml refuses more than 100 alias expansions (a "billion laughs" bomb) by throwing.
      return node.toJS(this.doc, { maxAliasCount: 100 }) as Record<string, unknown>;
    } catch (error) {
      this.error(field.line, `\`${field.key}\` cannot be read: ${(error as Error).message.replace(/ indicates a resource exhaustion attack$/, '')} (more than 100 uses of YAML aliases such as *name): write the values out`);
      return undefined;
    }
  }
}

/** A scalar's text: strings as they are, other scalars as written in the source. */
export function scalarText(node: Node): string | undefined {
  if (!isScalar(node) || node.value === null) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}
