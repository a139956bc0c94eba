// What of a learner's progress travels into their cluster, and back. Pure: progress in, a
// ConfigMap manifest out (and the reverse), so what leaves the machine is decided in one place
// and unit-tested.
//
// Mirrored: journey id, current chapter, choices, steps and checks with their times, history,
// and the values of variables that are plainly not credentials (verify needs them to fill
// `${DOMAIN}` in asserts; a second machine needs them to resume). Never mirrored: inputs marked
// secret, variables whose name says credential, and values that look like one (PEM blocks,
// JWTs, known token prefixes, long random strings, URLs with a password). Their names are
// listed, so a resumed journey can ask for them again.
import type { Journey } from '../journey/model.ts';
import { nameLooksSecret, type HistoryEntry, type Progress } from '../state/progress.ts';
import { variableNameRefusal } from '../state/variables.ts';

/** Namespace of the progress mirror in the learner's cluster. */
export const MIRROR_NAMESPACE = 'hero-journey';
/** The ConfigMap key that holds the mirrored progress as JSON. */
export const MIRROR_KEY = 'progress.json';
export const MIRROR_SCHEMA_VERSION = 1;
/** Labels on every mirror, so `kubectl get cm -l app.kubernetes.io/managed-by=hero-journey` finds them. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const JOURNEY_LABEL = 'hero-journey.dev/journey';
/** Values longer than this are not mirrored: they are keys, certificates or blobs, not settings. */
const MAX_VALUE_LENGTH = 512;

/** The progress as it is kept in the cluster. */
export interface ProgressMirror {
  schemaVersion: typeof MIRROR_SCHEMA_VERSION;
  journeyId: string;
  /** A name the learner chose to be shown under (config `attendee:`), if any. */
  attendee?: string;
  startedAt: string;
  updatedAt: string;
  current?: string;
  finished: boolean;
  choices: Record<string, { choice: string; at: string }>;
  steps: Record<string, { status: 'done' | 'skipped' | 'failed'; at: string }>;
  checks: Record<string, { status: 'passed' | 'failed' | 'skipped' | 'unverified'; at: string; reason?: string }>;
  history: HistoryEntry[];
  /** Values of variables that are safe to share. */
  vars: Record<string, string>;
  /** Names of variables kept on the learner's machine only (secret, or looking like a credential). */
  withheld: string[];
  /** Where it was written: one-way digests of the machine and of the workspace folder on it. */
  origin?: MirrorOrigin;
}

/** Digests that tell two machines, and two workspaces of one machine, apart without naming them. */
export interface MirrorOrigin {
  machine: string;
  workspace: string;
}

/** A ConfigMap, as `kubectl apply` takes it. */
export interface MirrorConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  data: Record<string, string>;
}

/** The ConfigMap name for a journey: `hero-journey-progress-<journey id>`, made a valid DNS name. */
export function mirrorName(journeyId: string): string {
  const slug = journeyId
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return `hero-journey-progress-${slug || 'journey'}`.slice(0, 253).replace(/[^a-z0-9]+$/, '');
}

/** Whether a value looks like a credential, whatever its variable is called. */
export function valueLooksSecret(value: string): boolean {
  if (value.length > MAX_VALUE_LENGTH) return true;
  if (/-----BEGIN [A-Z ]+-----/.test(value)) return true;
  // JSON Web Tokens (Kubernetes service account tokens, OIDC id tokens).
  if (/eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\./.test(value)) return true;
  // Well-known token shapes: GitHub, GitLab, Slack, AWS, Google, OpenAI-style, Docker Hub.
  if (/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,}|xox[abposr]-[A-Za-z0-9-]{10,}|A[KS]IA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{30,}|sk-[A-Za-z0-9_-]{20,}|dckr_pat_[A-Za-z0-9_-]{16,})/.test(value)) return true;
  // A URL with a password in it.
  if (/[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i.test(value)) return true;
  // Webhook URLs are their own credential (Slack, Discord, Teams, Google Chat).
  if (/hooks\.slack\.com\/(services|workflows|triggers)\/|discord(app)?\.com\/api\/webhooks\/|webhook\.office\.com\/|chat\.googleapis\.com\/v1\/spaces\/[^\s]*key=/i.test(value)) return true;
  // A signed URL or query carrying its key: Azure SAS (sig=), AWS presigned (X-Amz-Signature), ?token=, ?api_key=.
  if (/(?:^|[?&])(sig|signature|x-amz-signature|x-goog-signature|token|access_token|api_?key|apikey|key|secret|password|code)=[^&\s]{8,}/i.test(value)) return true;
  // Bootstrap tokens (kubeadm join --token): six and sixteen lower-case letters and digits.
  if (/(?<![A-Za-z0-9])[a-z0-9]{6}\.[a-z0-9]{16}(?![A-Za-z0-9])/.test(value)) return true;
  // UUID-shaped keys (Heroku, Azure client secrets and subscription keys, many API keys).
  if (/(?<![A-Za-z0-9-])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![A-Za-z0-9-])/i.test(value)) return true;
  // Long hex keys (32 digits and more), but not content digests such as sha256:<hex>.
  if (/(?<![A-Za-z0-9:])[0-9a-f]{32,}(?![A-Za-z0-9])/i.test(value.replace(/\b(sha|sha1|sha256|sha384|sha512|md5):[0-9a-f]+/gi, ''))) return true;
  // Long random-looking words: mixed case and digits, no spaces (API keys, passwords, base64 blobs).
  for (const word of value.split(/\s+/)) {
    if (word.length >= 20 && /^[A-Za-z0-9+/=_.~-]+$/.test(word) && /[a-z]/.test(word) && /[A-Z]/.test(word) && /[0-9]/.test(word)) return true;
    if (word.length >= 40 && /^[A-Za-z0-9+/]+={0,2}$/.test(word) && !/^[0-9a-f]+$/.test(word)) return true;
  }
  return false;
}

/** Whether a variable is kept to the learner's eyes: declared secret, named like a credential, or with a value that looks like one. */
export function variableLooksSecret(name: string, record: { value: string; secret?: boolean }): boolean {
  return Boolean(record.secret) || nameLooksSecret(name) || valueLooksSecret(record.value);
}

/** The progress as it may leave the learner's machine. */
export function mirrorOf(progress: Progress, options: { attendee?: string; origin?: MirrorOrigin } = {}): ProgressMirror {
  const vars: Record<string, string> = {};
  const withheld: string[] = [];
  for (const [name, record] of Object.entries(progress.vars)) {
    if (variableLooksSecret(name, record)) withheld.push(name);
    else vars[name] = record.value;
  }
  return {
    schemaVersion: MIRROR_SCHEMA_VERSION,
    journeyId: progress.journeyId,
    ...(options.attendee ? { attendee: options.attendee } : {}),
    startedAt: progress.startedAt,
    updatedAt: progress.updatedAt,
    ...(progress.current !== undefined ? { current: progress.current } : {}),
    finished: progress.finished,
    choices: Object.fromEntries(Object.entries(progress.choices).map(([id, c]) => [id, { choice: c.choice, at: c.at }])),
    steps: Object.fromEntries(Object.entries(progress.steps).map(([key, s]) => [key, { status: s.status, at: s.at }])),
    checks: Object.fromEntries(
      Object.entries(progress.checks).map(([id, c]) => [id, { status: c.status, at: c.at, ...(c.reason && !valueLooksSecret(c.reason) ? { reason: c.reason } : {}) }]),
    ),
    history: progress.history.map((h) => ({ chapter: h.chapter, at: h.at, ...(h.outcome ? { outcome: h.outcome } : {}) })),
    vars,
    withheld: withheld.sort(),
    ...(options.origin ? { origin: options.origin } : {}),
  };
}

/** The ConfigMap that holds a mirror. */
export function mirrorConfigMap(mirror: ProgressMirror, namespace: string = MIRROR_NAMESPACE): MirrorConfigMap {
  const journeyLabel = mirror.journeyId.replace(/[^A-Za-z0-9_.-]+/g, '-').slice(0, 63).replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '');
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: mirrorName(mirror.journeyId),
      namespace,
      labels: { [MANAGED_BY_LABEL]: 'hero-journey', ...(journeyLabel ? { [JOURNEY_LABEL]: journeyLabel } : {}) },
      annotations: { 'hero-journey.dev/updated-at': mirror.updatedAt },
    },
    data: { [MIRROR_KEY]: `${JSON.stringify(mirror, null, 1)}\n` },
  };
}

/**
 * A mirror is someone else's data: bounded before it is parsed (a ConfigMap holds at most 1 MiB),
 * and in what is kept of it, so one attendee's mirror never costs more than a real one would.
 */
const MAX_MIRROR_CHARS = 1024 * 1024;
/** Entries kept per list or map (history keeps its latest ones). */
const MAX_ENTRIES = 5000;
/** Longest id (chapter, choice, step key) and text (reason, time) kept. */
const MAX_ID_LENGTH = 256;
const MAX_TEXT_LENGTH = 1000;

/** Read a mirror out of a ConfigMap; `problem` says why it cannot be used. */
export function parseMirror(configMap: { data?: Record<string, unknown> } | undefined): { mirror: ProgressMirror } | { problem: string } {
  const text = configMap?.data?.[MIRROR_KEY];
  if (typeof text !== 'string') return { problem: `the ConfigMap has no ${MIRROR_KEY}` };
  if (text.length > MAX_MIRROR_CHARS) return { problem: `${MIRROR_KEY} is larger than a ConfigMap can hold (1 MiB)` };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    // Not the parser's message: it quotes the text.
    return { problem: `${MIRROR_KEY} is not valid JSON` };
  }
  if (!isRecord(data)) return { problem: `${MIRROR_KEY} is not a JSON object` };
  if (typeof data.schemaVersion !== 'number' || data.schemaVersion > MIRROR_SCHEMA_VERSION) {
    return { problem: `${MIRROR_KEY} has schema ${String(data.schemaVersion)}, this hero-journey reads ${MIRROR_SCHEMA_VERSION}` };
  }
  if (typeof data.journeyId !== 'string' || !data.journeyId) return { problem: `${MIRROR_KEY} names no journey` };
  const id = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= MAX_ID_LENGTH;
  const record = <T>(value: unknown, ok: (v: Record<string, unknown>) => boolean): Record<string, T> =>
    isRecord(value)
      ? (Object.fromEntries(
          Object.entries(value)
            .filter(([key, v]) => id(key) && isRecord(v) && ok(v) && (v.at === undefined || shortText(v.at)) && (v.reason === undefined || shortText(v.reason)))
            .slice(0, MAX_ENTRIES),
        ) as Record<string, T>)
      : {};
  const mirror: ProgressMirror = {
    schemaVersion: MIRROR_SCHEMA_VERSION,
    journeyId: data.journeyId,
    ...(shortText(data.attendee) && data.attendee ? { attendee: data.attendee.slice(0, 80) } : {}),
    startedAt: shortText(data.startedAt) ? data.startedAt : '',
    updatedAt: shortText(data.updatedAt) ? data.updatedAt : '',
    ...(id(data.current) ? { current: data.current } : {}),
    finished: data.finished === true,
    choices: record(data.choices, (v) => id(v.choice)),
    steps: record(data.steps, (v) => v.status === 'done' || v.status === 'skipped' || v.status === 'failed'),
    checks: record(data.checks, (v) => ['passed', 'failed', 'skipped', 'unverified'].includes(String(v.status))),
    history: Array.isArray(data.history)
      ? (data.history as unknown[]).slice(-MAX_ENTRIES).filter((h): h is HistoryEntry => isRecord(h) && id(h.chapter)).map((h) => ({
          chapter: h.chapter,
          at: shortText(h.at) ? h.at : '',
          ...(h.outcome === 'completed' || h.outcome === 'skipped' || h.outcome === 'dead-end' ? { outcome: h.outcome } : {}),
        }))
      : [],
    vars: isRecord(data.vars) ? Object.fromEntries(Object.entries(data.vars).filter((e): e is [string, string] => id(e[0]) && typeof e[1] === 'string' && e[1].length <= MAX_VALUE_LENGTH).slice(0, MAX_ENTRIES)) : {},
    withheld: Array.isArray(data.withheld) ? (data.withheld as unknown[]).filter(id).slice(0, MAX_ENTRIES) : [],
    ...(isRecord(data.origin) && id(data.origin.machine) && id(data.origin.workspace) ? { origin: { machine: data.origin.machine, workspace: data.origin.workspace } } : {}),
  };
  return { mirror };
}

/** What adopting a mirror would take, decided before asking: the learner is shown exactly this. */
export interface AdoptionPlan {
  /** Variables to take, by name: only those the journey declares (inputs) or captures (a step's export). */
  vars: Record<string, string>;
  /** Variables of the mirror left out, each with why. */
  refused: { name: string; reason: string }[];
}

/**
 * Which of a mirror's variables a journey may adopt. A mirror is written by anyone who can write a
 * ConfigMap in the cluster: a name the journey does not declare, or one that changes how the shell
 * or kubectl behave (BASH_ENV, BASH_FUNC_x%%, LD_PRELOAD, PATH, KUBECONFIG...), is never taken.
 */
export function adoptionPlan(journey: Journey, mirror: ProgressMirror): AdoptionPlan {
  const declared = new Set<string>(journey.inputs.map((i) => i.name));
  for (const chapter of journey.chapters.values()) {
    for (const input of chapter.inputs) declared.add(input.name);
    for (const step of chapter.steps) for (const name of step.exports) declared.add(name);
  }
  const plan: AdoptionPlan = { vars: {}, refused: [] };
  for (const [name, value] of Object.entries(mirror.vars)) {
    const refusal = variableNameRefusal(name) ?? (declared.has(name) ? undefined : 'the journey neither asks for it nor sets it');
    if (refusal) plan.refused.push({ name, reason: refusal });
    else plan.vars[name] = value;
  }
  return plan;
}

/**
 * Take a mirror into fresh local progress (resume on another machine): position, choices, steps,
 * checks and history as far as the journey has them, and the variables of `plan`. Withheld
 * variables stay unset: they are asked again.
 */
export function adoptMirror(progress: Progress, mirror: ProgressMirror, journey: Journey, plan: AdoptionPlan, now = new Date()): void {
  const at = now.toISOString();
  const known = (id: string) => journey.chapters.has(id);
  progress.startedAt = mirror.startedAt || progress.startedAt;
  if (mirror.current !== undefined && known(mirror.current)) progress.current = mirror.current;
  else delete progress.current;
  progress.finished = mirror.finished;
  progress.choices = Object.fromEntries(
    Object.entries(mirror.choices)
      .filter(([id, c]) => journey.chapters.get(id)?.choices.some((option) => option.id === c.choice))
      .map(([id, c]) => [id, { choice: c.choice, at: c.at }]),
  );
  progress.steps = Object.fromEntries(
    Object.entries(mirror.steps).filter(([key]) => known(key.split('#')[0]!)).map(([key, s]) => [key, { status: s.status, at: s.at }]),
  );
  progress.checks = Object.fromEntries(
    Object.entries(mirror.checks).filter(([id]) => known(id)).map(([id, c]) => [id, { status: c.status, at: c.at, ...(c.reason ? { reason: c.reason } : {}) }]),
  );
  progress.history = mirror.history.filter((h) => known(h.chapter)).map((h) => ({ ...h }));
  for (const [name, value] of Object.entries(plan.vars)) {
    progress.vars[name] = { value, source: 'capture', secret: false, at };
  }
}

function shortText(value: unknown): value is string {
  return typeof value === 'string' && value.length <= MAX_TEXT_LENGTH;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
