import type { CliOptions } from '../cli/parse.ts';
import { journeyReads, mintCommands, rbacYaml } from '../classroom/rbac.ts';
import { isBundledJourney, loadCheckModule } from '../checks/modules.ts';
import { fingerprintModules, isRemembered, trustGranted } from '../checks/trust.ts';
import { ExitCode } from '../errors.ts';
import type { CommandIO } from './io.ts';
import { openJourney } from './session.ts';

/** `hero-journey classroom rbac`: the YAML on stdout (pipe it to kubectl), the how-to on stderr. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const journey = await openJourney(options, io);
  // Reading `reads:` means importing the modules: only the bundled journey's, or trusted ones.
  let trusted = isBundledJourney(journey.dir) || trustGranted(io.env);
  if (!trusted) trusted = await isRemembered(journey.dir, (await fingerprintModules(journey)).digest, io.env);
  const reads = await journeyReads(journey, async (id) => {
    if (!trusted) throw new Error('not imported: pass --trust to let hero-journey read what it declares');
    return (await loadCheckModule(journey.dir, id)).definition.reads;
  });
  io.stdout.write(rbacYaml(journey, reads));
  const rbacCommand = `npx hero-journey classroom rbac${options.journey ? ` --journey ${options.journey}` : ''}${options.trust ? ' --trust' : ''}`;
  io.stderr.write(`\n${mintCommands({ rbacCommand })}`);
  return ExitCode.ok;
}
