/** Where something came from in a journey's files, for error messages that point at a line. */
export interface SourceLocation {
  /** Path relative to the journey folder, e.g. `https/cert-manager.md`. */
  file: string;
  /** 1-based line number; 0 when the whole file is meant. */
  line: number;
}

/** A CEL expression as written by the author, with where it was written. */
export interface Expression {
  source: string;
  loc: SourceLocation;
  /** The author's reason, for learners, when the condition is false (`because:`); otherwise one is derived. */
  because?: string;
}

/** A whole journey: `journey.yaml` plus every chapter, validated. */
export interface Journey {
  id: string;
  title: string;
  /** Absolute path of the journey folder. */
  dir: string;
  start: string;
  description?: string;
  phases: Phase[];
  /** Journey-wide inputs, asked for the first time a chapter needs them. */
  inputs: InputSpec[];
  /** Default values of variables, available from the first chapter on. */
  vars: Record<string, string>;
  /** Tools the chapters need (`doctor` checks them). */
  tools: ToolRequirement[];
  /** Chapters by id, in file order. */
  chapters: Map<string, Chapter>;
  /**
   * Steps run as if typed in one terminal (`one-terminal: true`, and every plain tutorial): the
   * folder a step `cd`s into and its plain assignments carry to the next steps.
   */
  oneTerminal?: boolean;
  /** Markdown pages of the folder that are not chapters (`exclude:`): documentation the chapters link to. */
  exclude?: string[];
  /** Present when the journey was inferred from plain Markdown (no journey.yaml): what was inferred, and where. */
  inferred?: Inference[];
  /** What an inferred journey was inferred from, for the notice at the start of play and lint. */
  inferredFrom?: InferredFrom;
}

/** What a journey without journey.yaml was read from: a Killercoda scenario's index.json, pages of a documentation site, or plain Markdown. */
export type InferredFrom = 'scenario' | 'docs-site' | 'plain';

/** One thing a plain tutorial's journey says only because it was inferred, or that could not be decided. */
export interface Inference {
  loc: SourceLocation;
  message: string;
  /** `undecided`: something that may mean more than it was taken for (a link list that may be a choice). */
  kind: 'inferred' | 'undecided';
}

export interface Phase {
  id: string;
  title: string;
  chapters: string[];
  /**
   * Present (even empty) when learners may jump in at the phase's first chapter (`play --from`):
   * asked only of them, for values that chapters of the phases before it would have set.
   */
  inputs?: InputSpec[];
}

export interface ToolRequirement {
  name: string;
  /** A semver range, e.g. `>=1.28`. */
  version?: string;
  why?: string;
}

export interface Chapter {
  /** Path inside the journey without `.md`; `x/README.md` is `x`. */
  id: string;
  /** Path relative to the journey folder. */
  file: string;
  title: string;
  episode?: string;
  summary?: string;
  /** When false, the chapter is skipped (with a visible reason) to `skipTo`. */
  when?: Expression;
  skipTo?: string;
  /**
   * The kubeconfig file, in the learner's workspace, of the cluster this chapter's steps and
   * checks talk to (a second cluster the journey created); may use `${NAME}`. Absent: the
   * learner's own kubeconfig and context.
   */
  kubeconfig?: string;
  inputs: InputSpec[];
  /** Non-empty makes the chapter a choice point. */
  choices: Choice[];
  /** Tried in order; the first whose `when` holds wins. Empty: the journey ends here. */
  next: NextRule[];
  /** Set when the chapter is a dead end: the learner goes back to the last choice point. */
  deadEnd?: { message: string };
  checks: CheckSpec[];
  /** The Markdown body (front matter removed), split into prose and steps in order. */
  segments: Segment[];
  steps: Step[];
  /** Line in the file where the body starts (after front matter). */
  bodyLine: number;
  loc: SourceLocation;
}

export type Segment =
  | { kind: 'markdown'; text: string }
  | { kind: 'step'; step: Step };

export interface InputSpec {
  /** Variable name; steps see it as an environment variable. */
  name: string;
  /** The question, short: it is the prompt line. */
  prompt: string;
  /** Where to find the answer, examples, what it is for: shown above the prompt. */
  help?: string;
  /** May reference other variables as `${NAME}`. */
  default?: string;
  /** `hostname`, `email`, `url`, or `regex:<pattern>`. */
  validate?: string;
  /** What a wrong answer is told (`message:`), instead of a sentence derived from `validate`. */
  message?: string;
  secret: boolean;
  when?: Expression;
  loc: SourceLocation;
}

export interface Choice {
  id: string;
  label: string;
  goto: string;
  summary?: string;
  when?: Expression;
  /** Why the choice is disabled when `when` is false. */
  because?: string;
  loc: SourceLocation;
}

export interface NextRule {
  goto: string;
  when?: Expression;
  loc: SourceLocation;
}

export type CheckSpec =
  | (CheckCommon & { kind: 'use'; use: string; with: Record<string, unknown> })
  | (CheckCommon & {
      kind: 'assert' | 'error';
      object: Record<string, unknown>;
      /** Optional CEL over `object` (and `vars`, `choices`) that must also hold for a matching object. */
      expression?: Expression;
    });

interface CheckCommon {
  /** Stable id within the chapter, for results and state. */
  id: string;
  title?: string;
  /** Seconds to wait for the check to pass. */
  timeout?: number;
  hint?: string;
  when?: Expression;
  loc: SourceLocation;
}

export interface Step {
  /** Unique within the chapter: the `id=` attribute, or `step-<n>` (1-based). */
  id: string;
  /** 0-based position among the chapter's steps. */
  index: number;
  title?: string;
  lang: string;
  code: string;
  when?: Expression;
  /** Seconds. */
  timeout?: number;
  /** The author says the step waits for the keyboard (`keyboard=line` or `keyboard=terminal`), where reading its code cannot tell. */
  keyboard?: 'line' | 'terminal';
  optional: boolean;
  /** Variable names the code `export`s (found by reading it), for lint and the map. */
  exports: string[];
  loc: SourceLocation;
}

/** One problem found in a journey. Loading collects all of them before failing. */
export interface JourneyProblem {
  loc: SourceLocation;
  message: string;
  severity: 'error' | 'warning';
}
