import type { CliOptions } from '../cli/parse.ts';
import { buildJourneyMap } from '../map/model.ts';
import { renderMapMermaid, renderMapTree } from '../map/render.ts';
import { jsonText } from '../render/sanitize.ts';
import type { CommandIO } from './io.ts';
import { openSession } from './session.ts';
import { terminalFor } from './terminal.ts';

/** `hero-journey map`: the journey as a tree (or Mermaid, or JSON) with the learner's path marked. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  const session = await openSession({ ...options, dryRun: true }, io);
  const map = buildJourneyMap(session.journey, session.fresh ? undefined : session.progress);
  if (options.json) {
    io.stdout.write(`${jsonText({ journey: journeyJson(session.journey), map })}\n`);
  } else if (options.format === 'mermaid') {
    io.stdout.write(renderMapMermaid(map));
  } else {
    const terminal = terminalFor(options, io);
    io.stdout.write(renderMapTree(map, { color: terminal.color, unicode: terminal.unicode }));
  }
  return 0;
}

function journeyJson(journey: import('../journey/model.ts').Journey) {
  return {
    ...journey,
    chapters: [...journey.chapters.values()].map(({ segments: _segments, ...chapter }) => chapter),
  };
}
