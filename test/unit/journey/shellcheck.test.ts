import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJourney } from '../../../src/journey/load.ts';
import { formatProblem } from '../../../src/journey/problems.ts';
import { findShellcheck, shellcheckSteps } from '../../../src/journey/shellcheck.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/journeys');
const installed = await findShellcheck();

describe('ShellCheck on steps', () => {
  it.skipIf(!installed)('reports findings on the chapter file line, as a warning for style and info, without the excluded noise', async () => {
    // The flow fixture's mistakes are path mistakes: it loads.
    const result = await shellcheckSteps(await loadJourney(join(fixtures, 'flow')));
    expect(result.note).toBeUndefined();
    // `echo $GREETING` on castle.md:10; `'$QUOTED'` (SC2016) and `$NOWHERE` (SC2154) are excluded.
    expect(result.problems.map(formatProblem)).toEqual([
      'castle.md:10  warning: shellcheck SC2086 in step `step-1` (column 6): Double quote to prevent globbing and word splitting. (https://www.shellcheck.net/wiki/SC2086)',
    ]);
  });

  it.skipIf(!installed)('finds nothing in the quest journey', async () => {
    expect(await shellcheckSteps(await loadJourney(join(fixtures, 'quest')))).toEqual({ problems: [] });
  });

  it('skips with a note when ShellCheck is not installed', async () => {
    expect(await findShellcheck('/nonexistent')).toBeUndefined();
    const journey = await loadJourney(join(fixtures, 'quest'));
    const result = await shellcheckSteps(journey, { path: '/nonexistent' });
    expect(result.problems).toEqual([]);
    expect(result.note).toMatch(/^shellcheck is not installed/);
  });
});
