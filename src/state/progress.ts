import { dict } from '../dict.ts';
/** What the learner has done in one journey and workspace. Saved as readable JSON. */
export interface Progress {
  schemaVersion: typeof PROGRESS_SCHEMA_VERSION;
  journeyId: string;
  /** Absolute path of the learner's workspace folder. */
  workspace: string;
  startedAt: string;
  updatedAt: string;
  /** The chapter to play next; undefined before the first chapter starts. */
  current?: string;
  finished: boolean;
  /** Choice point chapter id → the option taken. */
  choices: Record<string, ChoiceRecord>;
  /** Inputs and captured variables by name. */
  vars: Record<string, VarRecord>;
  /** `<chapter>#<step id>` → outcome. */
  steps: Record<string, StepRecord>;
  /** Chapter id → outcome of its checks. */
  checks: Record<string, CheckRecord>;
  /** Every chapter entered, in order; `back` rewinds it. */
  history: HistoryEntry[];
  /** Where a plain tutorial's next step runs, relative to the workspace: the folder its last step `cd`ed into. */
  stepFolder?: string;
  /** Choice point id → the options that led to a dead end (marked as tried when it is asked again). */
  deadEnds?: Record<string, string[]>;
}

export const PROGRESS_SCHEMA_VERSION = 1;

export interface ChoiceRecord {
  choice: string;
  at: string;
  /** Set when a live vote decided the choice (the presenter's, or the room an attendee follows). */
  audience?: AudienceRecord;
}

/** How a live vote went: votes per option, votes cast, and who settled it. */
export interface AudienceRecord {
  votes: Record<string, number>;
  total: number;
  /** `audience`: the most votes; `tie-break`: the presenter (or chapter order) broke a tie; `presenter`: overruled. */
  decidedBy: 'audience' | 'tie-break' | 'presenter';
}

/** "chosen by the audience: 134 of 212", for status and map. */
export function describeAudience(record: ChoiceRecord): string | undefined {
  const a = record.audience;
  if (!a) return undefined;
  const of = `${a.votes[record.choice] ?? 0} of ${a.total}`;
  if (a.decidedBy === 'presenter') return `chosen by the presenter, overruling the audience (${of} voted for it)`;
  if (a.decidedBy === 'tie-break') return `a tie in the audience's vote, broken by the presenter: ${of}`;
  return `chosen by the audience: ${of}`;
}

export interface VarRecord {
  value: string;
  source: 'input' | 'capture' | 'flag';
  chapter?: string;
  /** Secret values stay in the local file only and are never printed. */
  secret: boolean;
  at: string;
}

export interface StepRecord {
  status: 'done' | 'skipped' | 'failed';
  at: string;
  exitCode?: number;
  /** Set when the learner chose to skip it (not a `when` that was false): resuming does not offer it again. */
  by?: 'learner';
  /** The learner edited the commands before they ran. */
  edited?: boolean;
}

export interface CheckRecord {
  status: 'passed' | 'failed' | 'skipped' | 'unverified';
  at: string;
  reason?: string;
}

export interface HistoryEntry {
  chapter: string;
  at: string;
  /** How the learner left this chapter, once they have. */
  outcome?: 'completed' | 'skipped' | 'dead-end';
}

/** A fresh progress record for a journey played in a workspace. */
export function newProgress(journeyId: string, workspace: string, now = new Date()): Progress {
  const at = now.toISOString();
  return {
    schemaVersion: PROGRESS_SCHEMA_VERSION,
    journeyId,
    workspace,
    startedAt: at,
    updatedAt: at,
    finished: false,
    choices: dict(),
    vars: dict(),
    steps: dict(),
    checks: dict(),
    history: [],
  };
}

/**
 * Names such as API_TOKEN, DB_PASS, SSH_KEY or AUTH hold credentials: a captured variable so named
 * is kept as a secret (never shown), and the classroom mirror never copies it.
 */
export function nameLooksSecret(name: string): boolean {
  // Where a credential is kept (GCP_CREDENTIALS_FILE, TOKEN_PATH) is not the credential itself.
  if (/_(FILE|PATH|DIR)$/i.test(name)) return false;
  if (/(TOKEN|PASSWORD|PASSWD|PASSPHRASE|SECRET|PRIVATE_?KEY|API_?KEY|CREDENTIAL|COOKIE|ACCESS_?KEY|WEBHOOK|CONNECTION_?STRING)/i.test(name)) return true;
  // Whole words: DB_PASS, dbPass, SSH_KEY, AUTH, BASIC_AUTH, SENTRY_DSN (not PASSENGER, AUTHOR or PUBLIC_KEY).
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase().split(/[^A-Z0-9]+/).filter(Boolean);
  if (words.some((word) => SECRET_WORDS.has(word))) return true;
  return words.includes('KEY') && !words.includes('PUBLIC');
}

const SECRET_WORDS = new Set(['PASS', 'PW', 'PWD', 'AUTH', 'AUTHORIZATION', 'DSN', 'SAS', 'SIG', 'SIGNATURE', 'SALT', 'OTP', 'PIN', 'BEARER', 'SESSION']);

/** The key under which a step's outcome is stored. */
export function stepKey(chapterId: string, stepId: string): string {
  return `${chapterId}#${stepId}`;
}

/** Variable values for steps and expressions (secrets included: they are needed, just never shown). */
export function variableValues(progress: Progress): Record<string, string> {
  return dict(Object.fromEntries(Object.entries(progress.vars).map(([name, v]) => [name, v.value])));
}

/** Choice point id → option id, as expressions see it. */
export function choiceValues(progress: Progress): Record<string, string> {
  return dict(Object.fromEntries(Object.entries(progress.choices).map(([id, c]) => [id, c.choice])));
}

/**
 * Undo the last choice: forget it and make its choice point current again.
 * Returns the choice point's id, or undefined when no choice was made yet.
 */
export function undoLastChoice(progress: Progress): string | undefined {
  for (let i = progress.history.length - 1; i >= 0; i--) {
    const entry = progress.history[i];
    if (entry && progress.choices[entry.chapter]) {
      delete progress.choices[entry.chapter];
      progress.history = progress.history.slice(0, i);
      progress.current = entry.chapter;
      progress.finished = false;
      return entry.chapter;
    }
  }
  return undefined;
}

/**
 * Remove entries of steps, checks and history that are not records of the right shape (`null`,
 * a number, an entry without its status): one bad entry must not cost the rest. Returns what was
 * removed, for a notice. Times that are missing become the epoch.
 */
export function dropUnreadableEntries(progress: Progress): string[] {
  const dropped: string[] = [];
  const validTime = (value: unknown): value is string => typeof value === 'string' && !Number.isNaN(Date.parse(value));
  for (const [key, record] of Object.entries(progress.steps)) {
    if (!isRecord(record) || typeof record.status !== 'string') {
      delete progress.steps[key];
      dropped.push(`step "${key}"`);
    }
  }
  for (const [key, record] of Object.entries(progress.checks)) {
    if (!isRecord(record) || typeof record.status !== 'string') {
      delete progress.checks[key];
      dropped.push(`checks of "${key}"`);
    }
  }
  const history = progress.history.filter((entry, index) => {
    const ok = isRecord(entry) && typeof entry.chapter === 'string';
    if (!ok) dropped.push(`history entry ${index + 1}`);
    return ok;
  });
  progress.history = history.map((entry) => (validTime(entry.at) ? entry : { ...entry, at: new Date(0).toISOString() }));
  for (const record of [...Object.values(progress.steps), ...Object.values(progress.checks), ...Object.values(progress.choices), ...Object.values(progress.vars)]) {
    if (!validTime(record.at)) record.at = new Date(0).toISOString();
  }
  if (!validTime(progress.startedAt)) progress.startedAt = new Date(0).toISOString();
  if (!validTime(progress.updatedAt)) progress.updatedAt = progress.startedAt;
  return dropped;
}

/** Problems that make a parsed file unusable as progress; empty when it is fine. */
export function progressShapeProblems(data: unknown): string[] {
  if (!isRecord(data)) return ['not a JSON object'];
  const problems: string[] = [];
  const expect = (key: string, ok: boolean) => {
    if (!ok) problems.push(`field "${key}" is missing or has the wrong type`);
  };
  expect('schemaVersion', typeof data.schemaVersion === 'number');
  expect('journeyId', typeof data.journeyId === 'string');
  expect('workspace', typeof data.workspace === 'string');
  expect('current', data.current === undefined || typeof data.current === 'string');
  expect('finished', typeof data.finished === 'boolean');
  expect('stepFolder', data.stepFolder === undefined || typeof data.stepFolder === 'string');
  for (const key of ['choices', 'vars', 'steps', 'checks'] as const) expect(key, isRecord(data[key]));
  expect('history', Array.isArray(data.history));
  if (isRecord(data.vars)) {
    for (const [name, v] of Object.entries(data.vars)) {
      if (!isRecord(v) || typeof v.value !== 'string') problems.push(`variable "${name}" has no string value`);
    }
  }
  if (isRecord(data.choices)) {
    for (const [id, c] of Object.entries(data.choices)) {
      if (!isRecord(c) || typeof c.choice !== 'string') problems.push(`choice at "${id}" has no option`);
    }
  }
  return problems;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
