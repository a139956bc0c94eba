/**
 * An error the user can fix: bad input, a missing tool, an unreachable cluster.
 * The CLI prints its message (and hint) without a stack trace and exits non-zero.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly hint: string | undefined;
  readonly exitCode: number;

  constructor(message: string, options: { hint?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.hint = options.hint;
    this.exitCode = options.exitCode ?? 1;
  }
}

/**
 * Ctrl-C typed at a prompt, also when it arrived together with the answer (Enter then Ctrl-C
 * in one read): the learner wants out, and nothing the answer would start may run.
 */
export class PromptInterrupted extends Error {
  override readonly name = 'PromptInterrupted';
  constructor() {
    super('interrupted at a prompt');
  }
}

/** Exit codes, documented in `--help` and the README. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  checksFailed: 3,
  interrupted: 130,
} as const;
