import type { Chapter } from '../journey/model.ts';

/** What the gate before the next chapter concluded. */
export interface GateOutcome {
  status: 'passed' | 'failed' | 'unverified';
  title: string;
  detail: string;
}

/**
 * Run a chapter's checks. Until the check engine exists this refuses to pretend: chapters
 * that declare checks come back 'unverified', never 'passed'.
 */
export async function runChapterChecks(chapter: Chapter, _context: unknown): Promise<GateOutcome> {
  const list = chapter.checks.map((c) => `- ${c.title ?? (c.kind === 'use' ? c.use : `${c.kind} ${describeObject(c.object)}`)}`).join('\n');
  return {
    status: 'unverified',
    title: `${chapter.checks.length} check${chapter.checks.length === 1 ? '' : 's'} not verified`,
    detail: `This version of hero-journey cannot run checks yet, so it cannot prove that this chapter worked:\n${list}`,
  };
}

function describeObject(object: Record<string, unknown>): string {
  const kind = typeof object.kind === 'string' ? object.kind : 'object';
  const metadata = object.metadata as { name?: string; namespace?: string } | undefined;
  return metadata?.name ? `${kind} ${metadata.namespace ? `${metadata.namespace}/` : ''}${metadata.name}` : kind;
}
