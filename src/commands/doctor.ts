import type { CliOptions } from '../cli/parse.ts';
import { runDoctor, type Finding } from '../checks/doctor.ts';
import { ExitCode } from '../errors.ts';
import { themeFor } from '../render/theme.ts';
import { wrapText } from '../render/text.ts';
import type { CommandIO } from './io.ts';
import { kubeSelection, openJourney } from './session.ts';
import { terminalFor } from './terminal.ts';
import { commandLine } from '../cli/invocation.ts';

const AREAS: Array<[Finding['area'], string]> = [
  ['tools', 'Tools'],
  ['cluster', 'Cluster'],
  ['permissions', 'Permissions'],
];

/** `hero-journey doctor`: tools, cluster, version skew and permissions; exit 1 when something must be fixed. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const journey = await openJourney(options, io);
  const findings = await runDoctor({
    journey,
    kube: kubeSelection(options, io),
    env: io.env,
  });
  const problems = findings.filter((f) => f.status === 'problem').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ journey: { id: journey.id, title: journey.title }, ok: problems === 0, problems, warnings, findings }, null, 2)}\n`);
    return problems === 0 ? ExitCode.ok : ExitCode.failure;
  }
  io.stdout.write(doctorText(journey.title, findings, terminalFor(options, io)));
  return problems === 0 ? ExitCode.ok : ExitCode.failure;
}

/** The report, grouped by area: a mark per finding, and the fix under each problem. */
export function doctorText(title: string, findings: Finding[], terminal: { width: number; color: boolean; unicode: boolean; hyperlinks: boolean }): string {
  const theme = themeFor(terminal);
  const c = theme.chalk;
  const mark = { ok: c.green(theme.symbol.check), warning: c.yellow('!'), problem: c.red(theme.symbol.cross) };
  const lines = [c.bold(`hero-journey doctor: ${title}`), ''];
  const body = terminal.width - 4;
  for (const [area, heading] of AREAS) {
    const list = findings.filter((f) => f.area === area);
    if (list.length === 0) continue;
    lines.push(c.bold(heading));
    for (const finding of list) {
      const [first, ...rest] = wrapText(finding.message, body).split('\n');
      lines.push(`  ${mark[finding.status]} ${first}`, ...rest.map((l) => `    ${l}`));
      if (finding.fix) lines.push(...wrapText(`Fix: ${finding.fix}`, body - 2).split('\n').map((l) => `      ${c.dim(l)}`));
    }
    lines.push('');
  }
  const problems = findings.filter((f) => f.status === 'problem').length;
  const warnings = findings.filter((f) => f.status === 'warning').length;
  if (problems === 0) lines.push(c.green(`All set${warnings ? ` (${warnings} warning${warnings === 1 ? '' : 's'})` : ''}: run "${commandLine()}" to start.`));
  else lines.push(c.red(`${problems} problem${problems === 1 ? '' : 's'} to fix before you start${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}.`));
  return `${lines.join('\n')}\n`;
}
