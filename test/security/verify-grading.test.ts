// A progress mirror is the attendee's own claim: it cannot make verify show a pass. Only chapters
// the journey has on the attendee's path (from its start, through their choices) count; "finished"
// counts only when that path reaches an ending; checks the learner skipped are shown as skipped,
// never as passed, and fail --until. Every output (grid, JSON, JUnit, HTML) and the exit code say
// the same. Re-running the checks against a cluster is covered in verify-grading.cluster.test.ts.
import { describe, expect, test } from 'vitest';
import { parseMirror, type ProgressMirror } from '../../src/classroom/mirror.ts';
import { attendeePasses, journeyColumns, passedUntil, verdictOf, type AttendeeReport, type ChapterReport, type ClassroomReport, type Verdict } from '../../src/classroom/model.ts';
import { pathOf } from '../../src/classroom/recheck.ts';
import { renderGrid } from '../../src/classroom/report/grid.ts';
import { renderHtml } from '../../src/classroom/report/html.ts';
import { renderJson } from '../../src/classroom/report/json.ts';
import { renderJunit } from '../../src/classroom/report/junit.ts';
import type { HistoryEntry } from '../../src/state/progress.ts';
import { plainTerminal } from '../../src/render/terminal.ts';
import { at, journey, order } from '../unit/classroom/sample.ts';

const mirror = (extra: Partial<ProgressMirror>): ProgressMirror => ({
  schemaVersion: 1,
  journeyId: 'hero',
  startedAt: at,
  updatedAt: at,
  finished: false,
  choices: {},
  steps: {},
  checks: {},
  history: [],
  vars: {},
  withheld: [],
  ...extra,
});
const done = (...chapters: string[]): HistoryEntry[] => chapters.map((chapter) => ({ chapter, at, outcome: 'completed' }));

describe('mirror claims are not trusted', () => {
  test('"finished" with no history finishes nothing and passes no --until', () => {
    const path = pathOf(journey, mirror({ finished: true }));
    expect(path).toEqual({ chapters: [], finished: false, unknown: [] });
    const row: AttendeeReport = { name: 'mallory', source: 'm', context: 'm', status: 'ok', chapters: path.chapters, finished: path.finished, durationMs: 1, checkedAt: at };
    expect(passedUntil(row, 'setup', order)).toBe(false);
    expect(passedUntil(row, 'the-end', order)).toBe(false);
  });

  test('chapters the journey does not have, and variants off their own choices, are not on their path', () => {
    const path = pathOf(
      journey,
      mirror({
        choices: { 'build-image': { choice: 'kbld', at } },
        history: done('setup', 'setup/nip-io', 'build-image', 'build-image/buildpacks', 'https/evil', 'build-image/kbld', 'registry', 'https', 'the-end'),
        finished: true,
      }),
    );
    expect(path.chapters.map((c) => c.id)).toEqual(['setup', 'setup/nip-io', 'build-image', 'build-image/kbld', 'registry', 'https', 'the-end']);
    expect(path.unknown).toEqual(['https/evil']);
    expect(path.finished).toBe(true);
    // A chapter on their path that they left out of their history is still judged (by its checks, now).
    const gap = pathOf(journey, mirror({ choices: { 'build-image': { choice: 'kbld', at } }, history: done('setup', 'setup/nip-io', 'build-image', 'registry') }));
    expect(gap.chapters.map((c) => [c.id, c.state])).toEqual([['setup', 'passed'], ['setup/nip-io', 'passed'], ['build-image', 'passed'], ['build-image/kbld', 'passed'], ['registry', 'passed']]);
    expect(gap.chapters[3]!.reason).toBe('not in their progress: judged by its checks now');
    // A choice the chapter does not offer leads nowhere: nothing after it is on the path.
    const forged = pathOf(journey, mirror({ choices: { 'build-image': { choice: 'magic', at } }, history: done('setup', 'setup/nip-io', 'build-image', 'build-image/kbld', 'registry', 'https', 'the-end'), finished: true }));
    expect(forged.chapters.map((c) => c.id)).toEqual(['setup', 'setup/nip-io', 'build-image']);
    expect(forged.finished).toBe(false);
  });

  test('a history of 38,000 invented entries costs time in proportion to its length', { timeout: 30_000 }, () => {
    const history: HistoryEntry[] = [];
    for (let i = 0; i < 38_000; i++) history.push({ chapter: i % 2 ? order[i % order.length]! : `invented-${i}`, at, outcome: 'completed' });
    const path = pathOf(journey, mirror({ history, choices: { 'build-image': { choice: 'kbld', at } } }));
    expect(path.unknown).toHaveLength(19_000);
    expect(path.chapters.length).toBeLessThanOrEqual(order.length);
  });

  test('a mirror is bounded before it is parsed and in what is kept of it', () => {
    const big = { data: { 'progress.json': `{"schemaVersion":1,"journeyId":"hero","pad":"${'x'.repeat(1024 * 1024)}"}` } };
    expect(parseMirror(big)).toEqual({ problem: 'progress.json is larger than a ConfigMap can hold (1 MiB)' });
    const many = parseMirror({ data: { 'progress.json': JSON.stringify({ schemaVersion: 1, journeyId: 'hero', history: Array.from({ length: 8000 }, (_, i) => ({ chapter: `c${i}`, at })), choices: Object.fromEntries(Array.from({ length: 8000 }, (_, i) => [`c${i}`, { choice: 'x', at }])) }) } });
    if (!('mirror' in many)) throw new Error(many.problem);
    expect(many.mirror.history).toHaveLength(5000);
    expect(many.mirror.history[0]!.chapter).toBe('c3000');
    expect(Object.keys(many.mirror.choices)).toHaveLength(5000);
    // The parser's message quotes the text: not shown.
    expect(parseMirror({ data: { 'progress.json': '{"secret": "s3cr3t-value' } })).toEqual({ problem: 'progress.json is not valid JSON' });
  });
});

describe('grid, JSON, JUnit, HTML and the exit code agree', () => {
  const chapter = (id: string, state: ChapterReport['state'], extra: Partial<ChapterReport> = {}): ChapterReport => ({ id, title: id, state, checks: [], ...extra });
  const check = (id: string, status: 'passed' | 'failed' | 'not-run', reason = 'fine') => ({ id, title: `check ${id}`, status, reason, durationMs: 3 });
  const row = (name: string, extra: Partial<AttendeeReport>): AttendeeReport => ({ name, source: `${name}.yaml`, context: name, status: 'ok', chapters: [], durationMs: 5, checkedAt: at, ...extra });
  const report: ClassroomReport = {
    journey: { id: 'hero', title: "Hero's Journey" },
    generatedAt: at,
    timeoutMs: 5000,
    columns: journeyColumns(journey),
    until: 'build-image',
    attendees: [
      row('passing', { current: 'registry', chapters: [chapter('setup', 'passed', { checks: [check('s', 'passed')] }), chapter('setup/nip-io', 'not-applicable'), chapter('build-image', 'passed'), chapter('build-image/kbld', 'passed', { checks: [check('k', 'passed')] }), chapter('registry', 'current')] }),
      row('failing', { current: 'registry', chapters: [chapter('setup', 'passed', { checks: [check('s', 'passed')] }), chapter('build-image', 'passed'), chapter('build-image/kbld', 'failed', { reason: 'check k: no image', checks: [check('k', 'failed', 'no image')] }), chapter('registry', 'current')], firstFailure: { chapter: 'build-image/kbld', check: 'check k', reason: 'no image' } }),
      row('skipper', { current: 'registry', chapters: [chapter('setup', 'passed', { checks: [check('s', 'passed')] }), chapter('build-image', 'passed'), chapter('build-image/kbld', 'skipped', { learner: 'skipped', reason: 'checks skipped by the learner, failing now: no image', checks: [check('k', 'failed', 'no image')] }), chapter('registry', 'current')] }),
      row('untrusted', { current: 'registry', chapters: [chapter('setup', 'passed', { checks: [check('s', 'passed')] }), chapter('build-image', 'passed'), chapter('build-image/kbld', 'unchecked', { reason: 'code checks not run', checks: [check('k', 'not-run', 'code checks not run')] }), chapter('registry', 'current')] }),
      row('down', { status: 'unreachable', message: 'connection refused' }),
      row('fresh', { status: 'no-progress', message: 'not started' }),
    ],
  };
  const expected: Record<string, Verdict> = { passing: 'passing', failing: 'failing', skipper: 'skipped', untrusted: 'unchecked', down: 'down', fresh: 'not-started' };

  test('every output shows each attendee the same way', () => {
    expect(Object.fromEntries(report.attendees.map((a) => [a.name, verdictOf(a)]))).toEqual(expected);
    const grid = renderGrid(report, { ...plainTerminal(160), unicode: true });
    const json = JSON.parse(renderJson(report)) as { attendees: Array<{ name: string; verdict: string; cells: Record<string, { state: string }> }>; summary: Record<string, number> };
    const junit = renderJunit(report);
    const html = renderHtml(report);
    const marks: Record<string, string> = { passing: '✔', failing: '✖', skipped: '↷', unchecked: '?' };
    for (const attendee of report.attendees) {
      const verdict = expected[attendee.name]!;
      const gridRow = grid.split('\n').find((line) => line.startsWith(`${attendee.name} `))!;
      const jsonRow = json.attendees.find((a) => a.name === attendee.name)!;
      const suite = new RegExp(`<testsuite name="${attendee.name}" tests="(\\d+)" failures="(\\d+)" errors="(\\d+)" skipped="(\\d+)"`).exec(junit)!;
      const [, , failures, errors, skipped] = suite.map(Number);
      const tbody = new RegExp(`<tbody id="a-\\d+" class="([^"]*)" data-name="${attendee.name}">(.*?)</tbody>`, 's').exec(html)!;
      expect(jsonRow.verdict, attendee.name).toBe(verdict);
      expect(tbody[1], attendee.name).toContain(`verdict-${verdict}`);
      // The build-image column: the same state in the grid, JSON and HTML.
      const state = jsonRow.cells['build-image']!.state;
      if (marks[verdict]) {
        expect(state, attendee.name).toBe(({ passing: 'passed', failing: 'failed', skipped: 'skipped', unchecked: 'unchecked' } as Record<string, string>)[verdict]);
        expect(gridRow, attendee.name).toContain(`${marks[verdict]} kbld`);
        expect(tbody[2], attendee.name).toContain(`data-state="${state}"`);
      }
      // A learner's skipped check is never a ✔, and a failure only where JUnit has one.
      expect(failures! > 0, attendee.name).toBe(verdict === 'failing');
      expect(errors! > 0, attendee.name).toBe(verdict === 'down');
      expect(skipped! > 0, attendee.name).toBe(verdict === 'skipped' || verdict === 'unchecked' || verdict === 'not-started');
      // The exit code: without --until only a passing attendee passes; --until build-image needs it passed.
      expect(attendeePasses(attendee, undefined, order), attendee.name).toBe(verdict === 'passing');
      expect(attendeePasses(attendee, 'build-image', order), attendee.name).toBe(verdict === 'passing');
    }
    expect(grid).toMatch(/6 attendees · 1 failing · 1 skipped checks · 1 not re-checked · 1 not started · 1 not reachable/);
    expect(json.summary).toMatchObject({ failing: 1, skipped: 1, unchecked: 1 });
    expect(html).toMatch(/<b class="bad">1<\/b> stuck · <b class="bad">1<\/b> skipped checks · <b>1<\/b> not re-checked/);
    expect(junit).toContain('<skipped message="checks skipped by the learner, failing now: no image"/>');
  });
});
