import type { CliOptions } from '../cli/parse.ts';
import { describeAudience, type Progress } from '../state/progress.ts';
import { formatDateTime } from '../render/text.ts';
import { jsonText, sanitize } from '../render/sanitize.ts';
import type { CommandIO } from './io.ts';
import { variableLooksSecret } from '../classroom/mirror.ts';
import { commandLine } from '../cli/invocation.ts';
import { openSession, type Session } from './session.ts';

const MASK = '••••••';

/** `hero-journey status`: where the learner is, what they chose, what they set. Secrets masked. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const session = await openSession({ ...options, dryRun: true }, io);
  if (options.json) {
    io.stdout.write(`${jsonText({ progressFile: session.progressFile, fresh: session.fresh, ...(session.notice ? { damaged: session.notice } : {}), progress: maskedProgress(session.progress) })}\n`);
    return 0;
  }
  // Titles, choices, variables and reasons come from the journey and the progress file.
  io.stdout.write(sanitize(statusText(session)));
  return 0;
}

/** Progress with every secret value replaced by a mask, for printing: declared secrets, and values named or shaped like a credential. */
export function maskedProgress(progress: Progress): Progress {
  return {
    ...progress,
    vars: Object.fromEntries(Object.entries(progress.vars).map(([name, v]) => [name, variableLooksSecret(name, v) ? { ...v, value: MASK } : v])),
  };
}

function statusText(session: Session): string {
  const { journey, progress } = session;
  const title = (id: string) => journey.chapters.get(id)?.title ?? `${id} (no longer in the journey)`;
  const lines = [`${journey.title}`, `  workspace: ${session.workspace}`, `  progress:  ${session.progressFile}`, ''];
  if (session.fresh) {
    lines.push(`Not started here yet. Run "${commandLine()}" to begin with "${title(journey.start)}".`);
    return `${lines.join('\n')}\n`;
  }
  if (progress.finished) lines.push('Journey complete.');
  else lines.push(`Current chapter: ${title(progress.current ?? journey.start)} [${progress.current ?? journey.start}]`);
  const choices = Object.entries(progress.choices);
  lines.push('', choices.length ? 'Choices:' : 'Choices: none yet');
  for (const [chapterId, record] of choices) {
    const option = journey.chapters.get(chapterId)?.choices.find((c) => c.id === record.choice);
    const audience = describeAudience(record);
    lines.push(`  ${title(chapterId)}: ${option?.label ?? record.choice}  (${audience ? `${audience}, ` : ''}${formatDateTime(record.at)})`);
  }
  const vars = Object.entries(progress.vars);
  if (vars.length) lines.push('', 'Variables:');
  for (const [name, v] of vars) lines.push(`  ${name}=${variableLooksSecret(name, v) ? MASK : v.value}  (${v.source}${v.chapter ? ` in ${v.chapter}` : ''})`);
  const steps = Object.values(progress.steps);
  const count = (status: string) => steps.filter((s) => s.status === status).length;
  lines.push('', `Steps: ${count('done')} done, ${count('skipped')} skipped, ${count('failed')} failed`);
  const checks = Object.entries(progress.checks);
  if (checks.length) lines.push('Checks:');
  for (const [chapterId, c] of checks) lines.push(`  ${title(chapterId)}: ${c.status}${c.reason ? ` (${c.reason})` : ''}`);
  const visited = progress.history.map((h) => `${title(h.chapter)}${h.outcome && h.outcome !== 'completed' ? ` (${h.outcome})` : ''}`);
  if (visited.length) lines.push('', `Path: ${visited.join(' → ')}`);
  return `${lines.join('\n')}\n`;
}
