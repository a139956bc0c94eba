// Partial matching of a live Kubernetes object against what a chapter expects (kuttl/chainsaw
// style), and the short diff shown when it does not match. Pure: values in, lines out.
//
// - Fields the expected object does not list are ignored.
// - A listed list matches when each listed element matches some element of the live list, in any
//   order: `status.conditions: [{type: Ready, status: "True"}]` ignores the other conditions.
// - `null` expects the field to be absent (or null).
// - Numbers compare by value (2 equals 2.0); everything else compares strictly ("2" is not 2).

/** One way the live object differs from the expected one. */
export interface Mismatch {
  /** Where, in kubectl's jsonpath-like notation: `status.conditions[type=Ready].status`. */
  path: string;
  problem: 'missing' | 'different' | 'type' | 'no-element' | 'unexpected';
  expected: unknown;
  found: unknown;
  /** Extra words about the live element, e.g. a condition's reason and message. */
  note?: string;
}

/** Keys that name a list element (for paths like `[type=Ready]` and to find the closest element). */
const IDENTITY_KEYS = ['type', 'name', 'key', 'kind', 'id', 'containerPort', 'port'];

/** How `actual` differs from `expected`; an empty list means it matches. */
export function matchObject(expected: unknown, actual: unknown, path = ''): Mismatch[] {
  if (expected === null) {
    return actual === undefined || actual === null ? [] : [{ path, problem: 'unexpected', expected, found: actual }];
  }
  if (actual === undefined) return [{ path, problem: 'missing', expected, found: undefined }];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [{ path, problem: 'type', expected, found: actual }];
    return expected.flatMap((element, index) => matchElement(element, index, actual, path));
  }
  if (isPlainObject(expected)) {
    if (!isPlainObject(actual)) return [{ path, problem: 'type', expected, found: actual }];
    return Object.entries(expected).flatMap(([key, value]) => matchObject(value, actual[key], joinPath(path, key)));
  }
  return sameScalar(expected, actual) ? [] : [{ path, problem: 'different', expected, found: actual }];
}

function matchElement(expected: unknown, index: number, actual: unknown[], path: string): Mismatch[] {
  if (actual.some((candidate) => matchObject(expected, candidate).length === 0)) return [];
  const identity = identityOf(expected);
  if (identity) {
    const same = actual.filter((candidate) => isPlainObject(candidate) && sameScalar(identity.value, candidate[identity.key]));
    if (same.length > 0) {
      // Report against the element with the same identity that comes closest.
      const best = closest(expected, same, path);
      const note = describeElement(best.candidate);
      return best.mismatches.map((m) => ({ ...m, ...(note && !m.note ? { note } : {}) }));
    }
  }
  const elementPath = `${path}[${identity ? `${identity.key}=${String(identity.value)}` : index}]`;
  return [{ path: path || elementPath, problem: 'no-element', expected, found: actual }];
}

/** The candidate with the fewest mismatches, and those mismatches with paths under `path`. */
export function closest<T>(expected: unknown, candidates: T[], path = ''): { candidate: T; mismatches: Mismatch[]; index: number } {
  let best: { candidate: T; mismatches: Mismatch[]; index: number } | undefined;
  candidates.forEach((candidate, index) => {
    const mismatches = matchObject(expected, candidate, pathFor(expected, path, index));
    if (!best || mismatches.length < best.mismatches.length) best = { candidate, mismatches, index };
  });
  if (!best) throw new Error('closest() needs at least one candidate');
  return best;
}

function pathFor(expected: unknown, path: string, index: number): string {
  if (!path) return '';
  const identity = identityOf(expected);
  return `${path}[${identity ? `${identity.key}=${String(identity.value)}` : index}]`;
}

function identityOf(value: unknown): { key: string; value: unknown } | undefined {
  if (!isPlainObject(value)) return undefined;
  for (const key of IDENTITY_KEYS) {
    const v = value[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return { key, value: v };
  }
  return undefined;
}

/** The most of a live condition's reason and message shown: controllers put whole error chains there. */
const MAX_NOTE = 400;

/** A condition-like element's reason and message on one line, cut at MAX_NOTE characters, to show why it is not in the expected state. */
function describeElement(element: unknown): string | undefined {
  if (!isPlainObject(element)) return undefined;
  const reason = typeof element.reason === 'string' ? element.reason : undefined;
  const message = typeof element.message === 'string' ? element.message : undefined;
  if (!reason && !message) return undefined;
  return truncate([reason, message].filter(Boolean).join(': ').replace(/\s+/g, ' ').trim(), MAX_NOTE);
}

/** `spec` + `replicas` → `spec.replicas`; odd keys in brackets: `metadata.labels["app.kubernetes.io/name"]`. */
function joinPath(path: string, key: string): string {
  const segment = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (!path) return segment;
  return segment.startsWith('[') ? `${path}${segment}` : `${path}.${segment}`;
}

function sameScalar(expected: unknown, actual: unknown): boolean {
  if (expected === actual) return true;
  const numeric = (v: unknown) => typeof v === 'number' || typeof v === 'bigint';
  if (numeric(expected) && numeric(actual)) return Number(expected) === Number(actual);
  return false;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** One line per mismatch, in the learner's words: `spec.replicas: expected 3, found 2`. With `hideValues` (Secrets), no value is shown. */
export function formatMismatch(m: Mismatch, width = 100, hideValues = false): string {
  const at = m.path || 'the object';
  const note = m.note ? ` (${m.note})` : '';
  if (hideValues) {
    if (m.problem === 'missing') return `${at}: expected a value, but it is not set (values of Secrets are not shown)`;
    if (m.problem === 'unexpected') return `${at}: expected it not to be set, but it is (values of Secrets are not shown)`;
    return `${at}: differs from what the check expects (values of Secrets are not shown)`;
  }
  switch (m.problem) {
    case 'missing':
      return `${at}: expected ${inlineValue(m.expected, width)}, but it is not set${note}`;
    case 'different':
      return `${at}: expected ${inlineValue(m.expected, width)}, found ${inlineValue(m.found, width)}${note}`;
    case 'unexpected':
      return `${at}: expected it not to be set, found ${inlineValue(m.found, width)}${note}`;
    case 'type':
      return `${at}: expected ${describeShape(m.expected)}, found ${inlineValue(m.found, width)}${note}`;
    case 'no-element': {
      const found = Array.isArray(m.found) ? m.found : [];
      const listed = found.length === 0 ? 'the list is empty' : `found ${summarizeList(found, width)}`;
      return `${at}: expected an element like ${inlineValue(m.expected, width)}; ${listed}${note}`;
    }
  }
}

/** Live list elements in a few words: identities when they have them (`type=Ready, type=Synced`), else inline values. */
function summarizeList(list: unknown[], width: number): string {
  const parts = list.map((element) => {
    const identity = identityOf(element);
    if (identity && isPlainObject(element)) {
      const status = typeof element.status === 'string' ? ` ${element.status}` : '';
      return `${identity.key}=${String(identity.value)}${status}`;
    }
    return inlineValue(element, 40);
  });
  return truncate(`${list.length} element${list.length === 1 ? '' : 's'}: ${parts.join(', ')}`, width);
}

function describeShape(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'an object';
  return inlineValue(value, 40);
}

/** A value on one line, YAML-flow-like (`{type: "Ready", status: "True"}`), cut at `width` characters. */
export function inlineValue(value: unknown, width = 100): string {
  return truncate(inline(value), width);
}

function inline(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `[${value.map(inline).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${/^[A-Za-z_][\w.-]*$/.test(k) ? k : JSON.stringify(k)}: ${inline(v)}`);
  return `{${entries.join(', ')}}`;
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

/**
 * What an expected object asks for, one line per leaf (`spec.replicas: 3`,
 * `status.conditions has {type: "Ready", status: "True"}`), leaving out apiVersion, kind, name and
 * namespace (they are said in the heading).
 */
export function describeExpectations(expected: Record<string, unknown>, width = 100, hideValues = false): string[] {
  const lines: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (Array.isArray(value)) {
      for (const element of value) lines.push(`${path} has ${inlineValue(element, width)}`);
      if (value.length === 0) lines.push(`${path} is a list`);
      return;
    }
    if (isPlainObject(value)) {
      const entries = Object.entries(value);
      if (entries.length === 0) lines.push(`${path || 'the object'} is set`);
      for (const [key, child] of entries) walk(child, joinPath(path, key));
      return;
    }
    lines.push(value === null ? `${path} is not set` : hideValues && /^(data|stringData)\b/.test(path) ? `${path} is set (value not shown)` : `${path}: ${inlineValue(value, width)}`);
  };
  const { apiVersion: _a, kind: _k, metadata, ...rest } = expected;
  if (isPlainObject(metadata)) {
    const { name: _n, namespace: _ns, ...otherMetadata } = metadata;
    if (Object.keys(otherMetadata).length > 0) walk(otherMetadata, 'metadata');
  }
  walk(rest, '');
  return lines.filter((line) => line !== 'the object is set');
}
