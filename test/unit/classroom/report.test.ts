import { describe, expect, test } from 'vitest';
import { cellFor, journeyColumns, leaders, passedUntil, type ChapterReport } from '../../../src/classroom/model.ts';
import { checkReport, MODULES_REFUSED, otherClusterChecks, pathOf, redact } from '../../../src/classroom/recheck.ts';
import { renderGrid } from '../../../src/classroom/report/grid.ts';
import { escapeHtml, renderHtml, renderRow } from '../../../src/classroom/report/html.ts';
import { renderJson } from '../../../src/classroom/report/json.ts';
import { renderJunit } from '../../../src/classroom/report/junit.ts';
import { createLimiter } from '../../../src/classroom/verify.ts';
import { at, journey, order, sample } from './sample.ts';
import { plainTerminal } from '../../../src/render/terminal.ts';
import { stripAnsi } from '../../../src/render/text.ts';

const chapter = (id: string, state: ChapterReport['state'], extra: Partial<ChapterReport> = {}): ChapterReport => ({ id, title: id, state, checks: [], ...extra });

describe('the model', () => {
  test('columns are top-level chapters in journey order, holding their variants', () => {
    expect(journeyColumns(journey).map((c) => [c.id, c.chapters.length])).toEqual([
      ['setup', 3],
      ['build-image', 3],
      ['registry', 2],
      ['https', 2],
      ['the-end', 1],
    ]);
    expect(journeyColumns(journey)[0]!.title).toBe('Set up');
  });

  test('a cell is the worst state of its chapters, with the variant taken', () => {
    const [alice, bob] = sample().attendees;
    const columns = journeyColumns(journey);
    expect(columns.map((c) => cellFor(alice!, c))).toEqual([
      { state: 'passed', variant: 'nip-io' },
      { state: 'passed', variant: 'kbld' },
      { state: 'none' },
      { state: 'current' },
      { state: 'none' },
    ]);
    expect(cellFor(bob!, columns[1]!)).toEqual({ state: 'failed', variant: 'buildpacks', reason: 'check img: not found' });
    expect(cellFor(bob!, columns[2]!)).toEqual({ state: 'current', variant: 'harbor' });
  });

  test('leaders are the attendees furthest along', () => {
    expect(leaders(sample())).toEqual(['alice']);
  });

  test('--until: passed when CHAPTER (or a variant, or a chapter after it) is reached with everything on the way passing', () => {
    const [alice, bob, carol] = sample().attendees;
    expect(passedUntil(alice!, 'build-image', order)).toBe(true);
    expect(passedUntil(alice!, 'registry', order)).toBe(true);
    expect(passedUntil(alice!, 'https', order)).toBe(false);
    expect(passedUntil(bob!, 'setup', order)).toBe(true);
    expect(passedUntil(bob!, 'build-image', order)).toBe(false);
    expect(passedUntil(carol!, 'setup', order)).toBe(false);
  });

  test("an attendee's path comes from their history: the later visit counts, the last entry is where they are", () => {
    const path = pathOf(journey, {
      schemaVersion: 1,
      journeyId: 'hero',
      startedAt: at,
      updatedAt: at,
      current: 'registry',
      finished: false,
      choices: { 'build-image': { choice: 'kbld', at } },
      steps: {},
      checks: { 'build-image/kbld': { status: 'skipped', at } },
      history: [
        { chapter: 'setup', at, outcome: 'completed' },
        { chapter: 'setup/nip-io', at, outcome: 'skipped' },
        { chapter: 'build-image', at, outcome: 'completed' },
        { chapter: 'build-image/kbld', at, outcome: 'completed' },
        { chapter: 'registry', at },
      ],
      vars: {},
      withheld: [],
    });
    expect(path.chapters.map((c) => [c.id, c.state, c.learner])).toEqual([
      ['setup', 'passed', undefined],
      ['setup/nip-io', 'not-applicable', undefined],
      ['build-image', 'passed', undefined],
      ['build-image/kbld', 'passed', 'skipped'],
      ['registry', 'current', undefined],
    ]);
  });
});

describe('terminal grid', () => {
  test('rows of attendees, columns of chapters with the variant taken, the first failing reason beneath', () => {
    const text = renderGrid(sample(), { ...plainTerminal(100), unicode: true });
    expect(text).toBe(
      [
        "Hero's Journey",
        '5 attendees · 1 failing · 1 not started · 2 not reachable · checked ' + new Date(at).toTimeString().slice(0, 8) + ' · timeout 5 s',
        '',
        'attendee                   setup     build-image   registry  https  the-end',
        'Alice A. (alice)           ✔ nip-io  ✔ kbld                  …',
        'bob                        ✔ domain  ✖ buildpacks  … harbor',
        '  ↳ build-image/buildpacks · check img: Deployment dev/hero has 0 of 1 replicas <ready> & "waiting"',
        'carol                      unreachable: nothing answers at https://10.0.0.3:6443: connection refused',
        '<script>alert(1)</script>  403 forbidden: you may not get configmaps as "x[31m": <b>403</b>',
        'dave                       not started: no progress in the cluster yet',
        '',
        'on it now: registry 1, https 1',
        'ahead: Alice A.',
        '✔ passed  ✖ failing now  … on it now  ↷ skipped  ? not re-checked',
        '',
      ].join('\n'),
    );
  });

  test('escape sequences from a cluster never reach the terminal', () => {
    const text = renderGrid(sample(), { ...plainTerminal(100), color: true });
    expect(stripAnsi(text)).not.toContain('\u001b');
    expect(text).not.toContain('\u001b[31m"');
  });

  test('too narrow for variants but wide enough for the names: one mark under each named column, no numbers', () => {
    const text = renderGrid(sample(), { ...plainTerminal(64), width: 64, unicode: true });
    const lines = text.split('\n');
    expect(lines.slice(4, 7)).toEqual([
      'attendee                setup build-image registry https the-end',
      'Alice A. (alice)        ✔     ✔                    …',
      'bob                     ✔     ✖           …',
    ]);
    expect(text).not.toMatch(/1 setup/);
    expect(lines.filter((line) => line.length > 64)).toEqual([]);
  });

  test('too narrow for variants: one mark per numbered column, with a legend', () => {
    const text = renderGrid(sample(), { ...plainTerminal(40), unicode: false });
    const lines = text.split('\n');
    expect(lines.slice(0, 9)).toEqual([
      "Hero's Journey",
      '5 attendees - 1 failing - 1 not started',
      '- 2 not reachable - checked ' + new Date(at).toTimeString().slice(0, 8) + ' -',
      'timeout 5 s',
      '',
      'attendee         1 2 3 4 5',
      'Alice A. (alice) + +   *',
      'bob              + x *',
      '  -> build-image/buildpacks - check img:',
    ]);
    expect(lines.slice(-7, -1)).toEqual(['1 setup  2 build-image  3 registry', '4 https  5 the-end', 'on it now: registry 1, https 1', 'ahead: Alice A.', '+ passed  x failing now  * on it now', '- skipped  ? not re-checked']);
    expect(lines.find((l) => l.startsWith('<script>'))).toMatch(/^<script>alert\.\.\. 403 forbidden:/);
    expect(lines.filter((line) => line.length > 40)).toEqual([]);
    expect(/[^\x00-\x7f]/.test(text)).toBe(false);
  });
});

describe('JUnit XML', () => {
  const xml = renderJunit(sample());

  test('one suite per attendee, one case per check, failures and errors counted', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="hero-journey verify: Hero&apos;s Journey" tests="7" failures="1" errors="2" skipped="2"')).toBe(true);
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/g)].map((m) => m.slice(1));
    expect(suites).toEqual([
      ['alice', '2', '0', '0', '1'],
      ['bob', '2', '1', '0', '0'],
      ['carol', '1', '0', '1', '0'],
      ['&lt;script&gt;alert(1)&lt;/script&gt;', '1', '0', '1', '0'],
      ['dave', '1', '0', '0', '1'],
    ]);
    expect(xml).toContain('<testcase classname="alice.setup" name="check a [a]" time="0.012"/>');
    expect(xml).toContain('<testcase classname="alice.build-image/kbld" name="check img [img]" time="0.012"><skipped message="looks at the learner&apos;s own machine (docker)"/></testcase>');
    expect(xml).toContain('<failure type="failed" message="Deployment dev/hero has 0 of 1 replicas &lt;ready&gt; &amp; &quot;waiting&quot;">');
    expect(xml).toContain('<error type="unreachable" message="unreachable: nothing answers at https://10.0.0.3:6443: connection refused"/>');
  });

  test('is well-formed: tags balance, no raw markup or control characters from a cluster', () => {
    expect(wellFormed(xml)).toBe(true);
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain('\u001b');
  });
});

describe('HTML', () => {
  test('escapes everything that comes from a cluster', () => {
    expect(escapeHtml(`<img src=x onerror='a'>&"`)).toBe('&lt;img src=x onerror=&#39;a&#39;&gt;&amp;&quot;');
    const html = renderHtml(sample());
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;b&gt;403&lt;/b&gt;');
    expect(html).not.toContain('\u001b');
    expect(html).not.toMatch(/<script/);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  test('rows carry their state in cells, the reason beneath, and leaders get a star', () => {
    const report = sample();
    const bob = renderRow(report, report.attendees[1]!, 1);
    expect(bob).toMatch(/^<tbody id="a-1" class="attendee status-ok verdict-failing stuck"/);
    expect(bob).toContain('<td class="cell failed" data-state="failed" title="check img: not found"><b>✗</b> <span>buildpacks</span></td>');
    expect(bob).toContain('↳ build-image/buildpacks · check img: Deployment dev/hero has 0 of 1 replicas &lt;ready&gt; &amp; &quot;waiting&quot;');
    expect(renderRow(report, report.attendees[0]!, 0)).toContain('<span class="star" title="furthest along">★</span> Alice A. (alice)');
    expect(renderRow(report, report.attendees[2]!, 2)).toContain('<td class="message" colspan="5">unreachable: nothing answers');
  });

  test('the live page follows /events and may only talk to its own server', () => {
    const html = renderHtml(sample(), { live: true });
    expect(html).toContain("new EventSource('events')");
    expect(html).toContain("connect-src 'self'");
  });
});

test('JSON has the report, a cell per column and the summary', () => {
  const data = JSON.parse(renderJson(sample(), { passedUntil: { alice: true } })) as {
    attendees: Array<{ name: string; cells: Record<string, unknown>; passedUntil: boolean }>;
    summary: Record<string, unknown>;
  };
  expect(data.attendees[0]).toMatchObject({ name: 'alice', passedUntil: true, cells: { 'build-image': { state: 'passed', variant: 'kbld' } } });
  expect(data.attendees[1]!.passedUntil).toBe(false);
  expect(data.summary).toMatchObject({ attendees: 5, reachable: 2, failing: 1, leaders: ['alice'] });
});

test('redact masks credentials in lines shown to the instructor', () => {
  expect(redact('token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXNpZ25hdHVyZQ rejected')).toBe('token [redacted] rejected');
  expect(redact('found "Zq8fXw2LmP4rT9vB1nK7sD3hJ6".')).toBe('found [redacted]');
  expect(redact('-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY----- in secret')).toBe('[redacted] in secret');
  expect(redact('Deployment dev/hero has 0 of 1 replicas ready')).toBe('Deployment dev/hero has 0 of 1 replicas ready');
});

/** Tags balance and every `&` starts an entity: enough to catch what a broken escaper breaks. */
function wellFormed(xml: string): boolean {
  const body = xml.replace(/^<\?xml[^>]*\?>\n/, '');
  if (/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(body)) return false;
  const stack: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[a-z]+="[^"<]*")*)\s*(\/?)>/g)) {
    const [, close, name, , self] = match;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  const tags = body.match(/</g)?.length ?? 0;
  const parsed = [...body.matchAll(/<(\/?)([A-Za-z]+)((?:\s+[a-z]+="[^"<]*")*)\s*(\/?)>/g)].length;
  return stack.length === 0 && tags === parsed;
}

describe('what verify shows of a check', () => {
  const loc = { file: 'c.md', line: 1 };
  const outcome = (status: 'passed' | 'failed' | 'broken', reason: string) => ({ id: 'c', title: 'The check', type: 'assert' as const, status, reason, loc, attempts: 1, durationMs: 5 });

  test('an assert on a Secret never shows its values', () => {
    const spec = { kind: 'assert' as const, id: 'c', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' } }, loc };
    expect(checkReport(outcome('failed', 'Secret dev/db: data.password: expected "aHVudGVyMg==", found "c2VjcmV0"'), spec).reason).toBe('Secret dev/db: data.password: expected "•••", found "•••"');
    expect(checkReport(outcome('failed', 'Secret dev/db does not exist'), spec).reason).toBe('Secret dev/db does not exist');
  });

  test('untrusted code checks are "not run", not failures', () => {
    expect(checkReport(outcome('broken', `the check could not run: ${MODULES_REFUSED}`), undefined)).toMatchObject({ status: 'not-run', reason: expect.stringContaining('--trust') });
  });
});

describe('the limiter', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('hands out at most `limit` turns at a time, in order of asking', async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map(async (n) => {
        const slot = await limiter.acquire(0);
        started.push(n);
        most = Math.max(most, ++running);
        await sleep(10);
        running--;
        slot.release();
        slot.release();
      }),
    );
    expect(most).toBe(3);
    expect(started).toEqual([1, 2, 3, 4, 5, 6, 7]);
  });

  test('lower priority waits while higher priority turns are asked for', async () => {
    const limiter = createLimiter(1);
    const order: string[] = [];
    const first = await limiter.acquire(0);
    const work = [
      limiter.acquire(1).then((s) => (order.push('checks a'), s.release())),
      limiter.acquire(0).then((s) => (order.push('contact b'), s.release())),
      limiter.acquire(0).then((s) => (order.push('contact c'), s.release())),
    ];
    first.release();
    await Promise.all(work);
    expect(order).toEqual(['contact b', 'contact c', 'checks a']);
  });

  test('a turn that steps aside (waiting on a slow cluster) lets the next start, up to 4x the limit', async () => {
    const limiter = createLimiter(2);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 12 }, async () => {
        const slot = await limiter.acquire(0);
        most = Math.max(most, ++inFlight);
        slot.stepAside();
        await sleep(30);
        inFlight--;
        slot.release();
      }),
    );
    expect(most).toBe(8);
  });
});

describe('a chapter that talks to another cluster of the learner\'s', () => {
  test('its checks are reported as the learner\'s own to run, naming the kubeconfig, never run with the attendee\'s', async () => {
    const { loadJourney } = await import('../../../src/journey/load.ts');
    const bundled = await loadJourney(new URL('../../../chapters', import.meta.url).pathname);
    const chapter = bundled.chapters.get('production/gitops/argocd')!;
    expect(chapter.kubeconfig).toBe('${PROD_KUBECONFIG}');
    expect(otherClusterChecks(chapter)).toEqual([
      expect.objectContaining({ id: 'infra-synced', status: 'local', reason: expect.stringContaining('kubeconfig ${PROD_KUBECONFIG} in their workspace') }),
      expect.objectContaining({ id: 'apps-synced', status: 'local' }),
    ]);
  });
});
