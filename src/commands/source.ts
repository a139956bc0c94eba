/** `--journey` naming a Git repository, an npm package or a tarball: fetch it, show its pin, ask before its code runs. */

import type { CliOptions } from '../cli/parse.ts';
import { ExitCode, UserError } from '../errors.ts';
import { sanitize } from '../render/sanitize.ts';
import type { CommandIO } from './io.ts';

/**
 * The options with `--journey` (or lint's and convert's folder) pointing at the fetched folder.
 * Undefined when the learner declined to play a source they have not played at this pin before.
 */
export async function resolveJourneySource(options: CliOptions, io: CommandIO): Promise<CliOptions | undefined> {
  const positional = options.command === 'lint' || options.command === 'convert';
  const spec = positional ? (options.args[0] ?? options.journey) : options.journey;
  if (!spec || !/^(github:|npm:|git\+|[a-z]+:\/\/)|\.(tgz|tar\.gz)(#.*)?$/.test(spec)) return options;
  const { fetchJourneySource, parseJourneySource, sourceTrusted, trustSource } = await import('../journey/source.ts');
  const source = parseJourneySource(spec, io.cwd);
  if (!source) return options;
  const fetched = await fetchJourneySource(source, io.env);
  io.stderr.write(sanitize(`hero-journey: the journey from ${fetched.origin}, pinned to ${fetched.pin}\n`));
  // Steps and check modules are code from there: the first play of a source, and of every update, asks first.
  const runsCode = (options.command === 'play' && !options.dryRun) || options.command === 'check' || options.command === 'verify';
  if (runsCode && !(await sourceTrusted(fetched, io.env))) {
    const interactive = !options.yes && !options.json && Boolean(io.stdin.isTTY) && Boolean(io.stdout.isTTY);
    if (!options.trust && interactive) {
      const { interactiveAsker } = await import('../prompts.ts');
      const answer = await interactiveAsker(io).select(
        sanitize(`You have not played the journey from ${fetched.origin} at ${fetched.pin} before. Its steps and checks are code from there: read them first with "hero-journey show" or --dry-run. Play it?`),
        [
          { value: 'no', name: 'No, not now', key: 'n' },
          { value: 'yes', name: 'Yes, I trust where it comes from', key: 'y' },
        ],
        'no',
      );
      if (answer !== 'yes') return undefined;
    } else if (!options.trust) {
      throw new UserError(`the journey from ${fetched.origin} (${fetched.pin}) was not played here before: its steps and checks are code from there`, {
        hint: `read it first (hero-journey show --journey ${spec}, or --dry-run), then pass --trust to play it`,
        exitCode: ExitCode.usage,
      });
    }
    await trustSource(fetched, io.env);
  }
  return positional && options.args[0] !== undefined ? { ...options, args: [fetched.dir, ...options.args.slice(1)] } : { ...options, journey: fetched.dir };
}
