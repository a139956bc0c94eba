// Proof that a journey is whole: every path from the start, enumerated from the graph, played by
// the built CLI with --dry-run --json and --choose (reading its events), reaches the end (or its dead end) through exactly the
// chapters the model says, with the right variants; options the model disables are refused with
// their reason; and `hero-journey lint` passes.
//
// The bundled journey has 69,600 paths (two seasons: about 1,100 ways through Development times 63
// through Production), far too many to play on every test run (each play is a process rendering
// up to 80 chapters). By default a cover is played (46 paths): every chapter, every transition,
// every dead end, and every combination of two choices (across the seasons too) appears on at
// least one played path. HERO_JOURNEY_PATHS=all plays every path: at 1 to 3 s of CPU each, about
// a day on 2 cores.

import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { conditionContext, evaluateCondition } from '../../src/journey/expressions.ts';
import { enumeratePaths, type JourneyPath } from '../../src/journey/graph.ts';
import { seasonStarts, upstreamChoicesUsed } from '../../src/journey/jump.ts';
import { loadJourney } from '../../src/journey/load.ts';
import type { Chapter, InputSpec, Journey } from '../../src/journey/model.ts';
import { validateInput } from '../../src/play/inputs.ts';
import type { PlayEvent } from '../../src/play/loop.ts';
import { runBin } from './cli.ts';
import { binPath, makeSandbox, repoRoot, type Sandbox } from './pty.ts';
import { describeCondition } from '../../src/journey/reasons.ts';

const playAll = process.env.HERO_JOURNEY_PATHS === 'all';
/** Journeys with at most this many paths are always played in full. */
const SMALL = 40;
const slots = Math.min(6, availableParallelism() + 1);

// ---------------------------------------------------------------------------------------------
// Running the CLI, a few at a time.

let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

interface Played {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Killed because it ran longer than PLAY_TIMEOUT_MS. */
  timedOut: boolean;
}

/** A dry run of a whole path takes about a second; a busy machine may need many more. */
const PLAY_TIMEOUT_MS = 80_000;

/** Run the built CLI; with `until`, stop it as soon as its output satisfies `until`. */
function play(args: string[], sandbox: Sandbox, until?: (stdout: string) => boolean): Promise<Played> {
  return limited(
    () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [binPath, ...args], {
          cwd: sandbox.workspace,
          env: { ...sandbox.env, COLUMNS: '100' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        let stopped = false;
        let timedOut = false;
        const timer = setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, PLAY_TIMEOUT_MS);
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (!stopped && until?.(stdout)) {
            stopped = true;
            child.kill('SIGKILL');
          }
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('error', reject);
        child.on('close', (exitCode) => {
          clearTimeout(timer);
          resolve({ exitCode: stopped ? null : exitCode, stdout, stderr, timedOut });
        });
      }),
  );
}

// ---------------------------------------------------------------------------------------------
// What a path needs and what its play must show, derived from the model.

/** A value that passes the input's `validate` rule, for inputs the path needs an answer to. */
function sampleValue(input: InputSpec): string {
  const candidates = ['hero.example.com', 'hero@example.com', 'https://hero.example.com', 'hero', 'Hero', '1'];
  const fromRule = input.validate?.startsWith('regex:') ? [sampleForRegex(input.validate.slice('regex:'.length))] : [];
  const value = [...candidates, ...fromRule].find((candidate) => validateInput(input, candidate) === true);
  if (value === undefined) throw new Error(`cannot make up a valid value for input ${input.name} (validate: ${input.validate}); give it a default`);
  return value;
}

/** The shortest string a simple regular expression matches (first alternative, fewest repeats). */
function sampleForRegex(pattern: string): string {
  let i = 0;
  const sequence = (): string => {
    let out = '';
    while (i < pattern.length && pattern[i] !== '|' && pattern[i] !== ')') {
      let atom = '';
      const c = pattern[i]!;
      if (c === '(') {
        i++;
        if (pattern.startsWith('?:', i)) i += 2;
        atom = sequence();
        while (pattern[i] === '|') {
          i++;
          sequence();
        }
        i++; // ')'
      } else if (c === '[') {
        const close = pattern.indexOf(']', i + 2);
        const body = pattern.slice(i + 1, close);
        atom = body.startsWith('^') ? (['a', '0', 'x'].find((ch) => !body.includes(ch)) ?? 'a') : body[0] === '\\' ? escaped(body[1]!) : body[0]!;
        i = close + 1;
      } else if (c === '\\') {
        atom = escaped(pattern[i + 1]!);
        i += 2;
      } else if (c === '^' || c === '$') {
        i++;
        continue;
      } else {
        atom = c === '.' ? 'a' : c;
        i++;
      }
      const quantifier = /^(\*|\+|\?|\{(\d+)(?:,\d*)?\})\??/.exec(pattern.slice(i));
      let times = 1;
      if (quantifier) {
        i += quantifier[0].length;
        times = quantifier[1] === '*' || quantifier[1] === '?' ? 0 : quantifier[1] === '+' ? 1 : Number(quantifier[2]);
      }
      out += atom.repeat(times);
    }
    return out;
  };
  const escaped = (c: string): string => ({ d: '0', w: 'a', s: ' ' })[c] ?? c;
  return sequence();
}

/** Chapters the path plays (not skipped), in order. */
function playedChapters(journey: Journey, path: Pick<JourneyPath, 'steps'>): Chapter[] {
  return path.steps.filter((step) => !step.skipped).map((step) => journey.chapters.get(step.chapter)!);
}

/** `--choose` and `--set` flags that play the path without a question. */
function flagsFor(journey: Journey, path: Pick<JourneyPath, 'steps' | 'choices'>): string[] {
  const flags = Object.entries(path.choices).flatMap(([chapter, choice]) => ['--choose', `${chapter}=${choice}`]);
  // Inputs without a default, or whose default uses variables (in a dry run, captured variables are
  // placeholders that no `validate` rule accepts).
  const inputs = [...journey.inputs, ...playedChapters(journey, path).flatMap((chapter) => chapter.inputs)];
  const seen = new Set<string>();
  for (const input of inputs) {
    if (seen.has(input.name) || (input.default !== undefined && !input.default.includes('${'))) continue;
    seen.add(input.name);
    flags.push('--set', `${input.name}=${sampleValue(input)}`);
  }
  return flags;
}

/** Text with the boxes' borders removed and all whitespace runs made one space. */
function flat(text: string): string {
  return text.replace(/[\u2500-\u257f]/g, ' ').replace(/\s+/g, ' ').trim();
}

/** What `play --json` printed: one event per line. */
function eventsOf(stdout: string): PlayEvent[] {
  return stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as PlayEvent);
}

/** The path the events show, in order: `play:<id>` for each chapter played, `skip:<id>` for each skipped, `dead-end`. */
function shownChapters(events: PlayEvent[]): string[] {
  return events.flatMap((event) =>
    event.event === 'chapter' ? [`play:${event.chapter}`] : event.event === 'chapter-skipped' ? [`skip:${event.chapter}`] : event.event === 'dead-end' ? ['dead-end'] : [],
  );
}

/** The same list, from the model. */
function expectedChapters(path: JourneyPath): string[] {
  const events = path.steps.map((step) => `${step.skipped ? 'skip' : 'play'}:${step.chapter}`);
  if (path.end === 'dead-end') events.push('dead-end');
  return events;
}

/** `setup/domain=nip build-image=kbld …`, or `(no choices)`. */
function label(path: Pick<JourneyPath, 'choices' | 'end'>): string {
  const choices = Object.entries(path.choices).map(([chapter, choice]) => `${chapter}=${choice}`);
  return `${choices.join(' ') || '(no choices)'}${path.end === 'dead-end' ? ' (dead end)' : ''}`;
}

/**
 * Paths to play: all of them for a small journey (or with HERO_JOURNEY_PATHS=all), else a greedy
 * pairwise cover: every chapter played or skipped, every transition, every way a path ends, and
 * every pair of choices made together appears on at least one selected path.
 */
function selectPaths(paths: JourneyPath[]): JourneyPath[] {
  if (playAll || paths.length <= SMALL) return paths;
  return greedyCover(paths.map((path) => ({ path, extra: [] })));
}

/** A greedy cover of the paths' features (and the extra ones given with each path). */
function greedyCover(candidates: Array<{ path: JourneyPath; extra: string[] }>): JourneyPath[] {
  const paths = candidates.map((candidate) => candidate.path);
  const features = candidates.map(({ path, extra }) => {
    const found = new Set<string>([`end:${path.end}`]);
    path.steps.forEach((step, index) => {
      found.add(`${step.skipped ? 'skip' : 'play'}:${step.chapter}`);
      if (index > 0) found.add(`${path.steps[index - 1]!.chapter}>${step.chapter}`);
    });
    const choices = Object.entries(path.choices).map(([chapter, choice]) => `${chapter}=${choice}`);
    for (const a of choices) {
      found.add(a);
      for (const b of choices) if (a < b) found.add(`${a}&${b}`);
    }
    for (const feature of extra) found.add(feature);
    return found;
  });
  const uncovered = new Set(features.flatMap((found) => [...found]));
  const chosen: JourneyPath[] = [];
  while (uncovered.size > 0) {
    let best = 0;
    let bestCount = -1;
    features.forEach((found, index) => {
      let count = 0;
      for (const feature of found) if (uncovered.has(feature)) count++;
      if (count > bestCount) [best, bestCount] = [index, count];
    });
    chosen.push(paths[best]!);
    for (const feature of features[best]!) uncovered.delete(feature);
  }
  return chosen;
}

/** An option the model shows disabled on some path, and the first path prefix that reaches it. */
interface DisabledOption {
  chapter: Chapter;
  choice: string;
  because: string;
  /** The path up to and including the choice point. */
  prefix: Pick<JourneyPath, 'steps' | 'choices'>;
}

function disabledOptions(journey: Journey, paths: JourneyPath[]): DisabledOption[] {
  const found = new Map<string, DisabledOption>();
  for (const path of paths) {
    const choices: Record<string, string> = {};
    path.steps.forEach((step, index) => {
      const chapter = journey.chapters.get(step.chapter)!;
      if (step.choice === undefined) return;
      for (const option of chapter.choices) {
        const key = `${chapter.id}=${option.id}`;
        if (!option.when || found.has(key)) continue;
        const result = evaluateCondition(option.when, conditionContext(journey, choices));
        if ('error' in result || result.value) continue;
        found.set(key, {
          chapter,
          choice: option.id,
          because: option.because ?? `only when ${describeCondition(journey, option.when)}`,
          prefix: { steps: path.steps.slice(0, index + 1), choices: { ...choices, [chapter.id]: option.id } },
        });
      }
      choices[chapter.id] = step.choice;
    });
  }
  return [...found.values()];
}

/**
 * A journey's paths, and the ones to play. A journey of seasons (phases learners may jump in at,
 * see `seasonStarts`) has as many paths as the product of its seasons' paths: the first season's
 * paths are enumerated up to the second season's start, and the second season's from there, once
 * for each combination of the earlier answers its way on depends on. The paths played join a
 * pairwise cover of the first season with second-season paths, so that every first-season path of
 * the cover is played and every pair of choices (across the seasons too, such as the
 * app-definition tool and the GitOps tool) appears on at least one played path.
 */
function journeyPaths(journey: Journey): {
  paths: JourneyPath[];
  total: number;
  selected: JourneyPath[];
  /** Whole paths from the start, many enough to find every option some earlier answer disables. */
  whole: JourneyPath[];
  all: () => Iterable<JourneyPath>;
} {
  const season = seasonStarts(journey)[0];
  if (season === undefined) {
    const paths = enumeratePaths(journey);
    return { paths, total: paths.length, selected: selectPaths(paths), whole: paths, all: () => paths };
  }
  const first = enumeratePaths(journey, { until: season, limit: 100_000 });
  const routeChoices = upstreamChoicesUsed(journey, season);
  const seconds = new Map<string, JourneyPath[]>();
  const secondsAfter = (path: JourneyPath): JourneyPath[] => {
    const before = Object.fromEntries(routeChoices.flatMap((id) => (path.choices[id] !== undefined ? [[id, path.choices[id]]] : [])));
    const key = JSON.stringify(before);
    let found = seconds.get(key);
    if (!found) {
      found = enumeratePaths(journey, { start: season, choices: before }).map((p) => ({
        ...p,
        choices: Object.fromEntries(Object.entries(p.choices).filter(([id]) => !(id in before))),
      }));
      seconds.set(key, found);
    }
    return found;
  };
  const join = (a: JourneyPath, b: JourneyPath): JourneyPath => ({ steps: [...a.steps, ...b.steps], choices: { ...a.choices, ...b.choices }, end: b.end });
  const whole = (path: JourneyPath): JourneyPath[] => (path.end === 'until' ? secondsAfter(path).map((second) => join(path, second)) : [path]);
  for (const path of first) if (path.end === 'until') secondsAfter(path);
  // Every first-season path (up to the second season), and every second-season path once per set of earlier answers.
  const paths = [...first, ...[...seconds.values()].flat()];
  const total = first.reduce((sum, path) => sum + (path.end === 'until' ? secondsAfter(path).length : 1), 0);
  const cover = selectPaths(first);
  const candidates = cover.flatMap((path, index) => whole(path).map((joined) => ({ joined, index })));
  const selected = greedyCover(candidates.map(({ joined, index }) => ({ path: joined, extra: [`first:${index}`] })));
  return {
    paths,
    total,
    selected,
    whole: [...first, ...candidates.map((candidate) => candidate.joined)],
    all: () => ({
      *[Symbol.iterator]() {
        for (const path of first) yield* whole(path);
      },
    }),
  };
}

// ---------------------------------------------------------------------------------------------
// The tests, for each journey.

const journeys = [
  { name: 'the quest fixture', dir: join(repoRoot, 'test', 'fixtures', 'journeys', 'quest'), bundled: false },
  { name: 'the bundled Hero journey', dir: join(repoRoot, 'chapters'), bundled: true },
  // Plain Markdown tutorials: no journey.yaml, no front matter; the journey is inferred.
  ...['getting-started', 'choose-tool', 'cli-readme'].map((tutorial) => ({ name: `the plain ${tutorial} tutorial`, dir: join(repoRoot, 'test', 'fixtures', 'plain', tutorial), bundled: false })),
];

for (const { name, dir, bundled } of journeys) {
  const loaded = await loadJourney(dir).then(
    (journey) => ({ journey }),
    (error: unknown) => ({ error }),
  );

  describe(`every path of ${name}`, () => {
    let sandbox: Sandbox;
    beforeAll(async () => {
      sandbox = await makeSandbox();
    });
    afterAll(() => sandbox.cleanup());

    if ('error' in loaded) {
      test('the journey loads', () => {
        throw loaded.error;
      });
      return;
    }
    const { journey } = loaded;
    const { paths, total, selected, whole, all } = journeyPaths(journey);
    // The bundled journey is the default; another one is named with --journey.
    const journeyFlags = bundled ? [] : ['--journey', dir];
    const base = [...journeyFlags, '--dry-run', '--json', '--no-color'];

    test(`all ${total} paths end in an ending or a dead end (${selected.length} are played below)`, () => {
      expect(paths.filter((path) => !['ending', 'dead-end', 'until'].includes(path.end)).map((path) => `${label(path)}: ${path.end}`)).toEqual([]);
      expect(paths.some((path) => path.end === 'ending')).toBe(true);
    });

    for (const path of playAll ? all() : selected) {
      test.concurrent(label(path), async () => {
        const deadEnd = path.end === 'dead-end';
        const run = await play([...base, ...flagsFor(journey, path)], sandbox, deadEnd ? (out) => out.includes('"event":"dead-end"') : undefined);
        expect(run.timedOut, `still running after ${PLAY_TIMEOUT_MS / 1000} s`).toBe(false);
        const events = eventsOf(run.stdout);
        let shown = shownChapters(events);
        if (deadEnd) {
          // A dead end sends the learner back to the choice point, where --choose answers the same again.
          shown = shown.slice(0, shown.indexOf('dead-end') + 1);
          const chapter = journey.chapters.get(path.steps.at(-1)!.chapter)!;
          expect(events.find((event) => event.event === 'dead-end')).toMatchObject({ chapter: chapter.id, message: chapter.deadEnd!.message });
        } else {
          expect(run.exitCode, run.stderr.slice(-2000)).toBe(0);
          expect(events.at(-1)).toEqual({ event: 'end', journey: journey.id });
          expect(run.stderr).toContain('The end of this journey');
        }
        expect(shown).toEqual(expectedChapters(path));
        const choices = Object.fromEntries(events.flatMap((event) => (event.event === 'choice' && event.source === 'flag' ? [[event.chapter, event.choice]] : [])));
        expect(choices).toEqual(path.choices);
      }, PLAY_TIMEOUT_MS + 30_000);
    }

    for (const disabled of disabledOptions(journey, whole)) {
      test.concurrent(`--choose ${disabled.chapter.id}=${disabled.choice} is refused where it is disabled, with the reason`, async () => {
        const run = await play([...base, ...flagsFor(journey, disabled.prefix)], sandbox);
        expect(run.exitCode).toBe(2);
        expect(flat(run.stderr)).toContain(flat(`--choose ${disabled.chapter.id}=${disabled.choice}: that option is not available: ${disabled.because}`));
      }, PLAY_TIMEOUT_MS + 30_000);
    }

    if (bundled) {
      test('nip.io paths skip HTTPS and are never offered Harbor; real-domain paths play HTTPS', () => {
        const nip = paths.filter((path) => path.choices['setup/domain'] === 'nip');
        const real = paths.filter((path) => path.choices['setup/domain'] === 'real');
        expect(nip.length).toBeGreaterThan(0);
        expect(real.length).toBeGreaterThan(0);
        for (const path of nip) {
          expect(path.steps.find((step) => step.chapter === 'https'), label(path)).toEqual({ chapter: 'https', skipped: true });
          expect(path.steps.some((step) => step.chapter.startsWith('https/')), label(path)).toBe(false);
          expect(path.choices.registry, label(path)).not.toBe('harbor');
        }
        for (const path of real.filter((p) => p.end !== 'dead-end')) {
          // One road to HTTPS: a chapter that leads on, not a choice of one.
          expect(path.steps.find((step) => step.chapter === 'https'), label(path)).toEqual({ chapter: 'https' });
          expect(path.steps.some((step) => step.chapter === 'https/cert-manager'), label(path)).toBe(true);
        }
        expect(real.some((path) => path.choices.registry === 'harbor')).toBe(true);
        // The played selection includes nip.io paths, whose output shows HTTPS skipped (checked above).
        expect(selected.some((path) => path.choices['setup/domain'] === 'nip' && path.end === 'ending')).toBe(true);
      });

      test('the played paths take every chapter, and every app-definition tool with every GitOps tool it works with', () => {
        const played = new Set(selected.flatMap((path) => path.steps.map((step) => step.chapter)));
        expect([...journey.chapters.keys()].filter((id) => !played.has(id))).toEqual([]);
        const pairs = new Set(selected.map((path) => `${path.choices['define-app']} × ${path.choices['production/gitops']}`));
        const expected = ['helm', 'kustomize', 'ytt', 'cdk8s'].flatMap((tool) =>
          ['flux', 'argocd', 'kapp'].filter((gitops) => !(tool === 'kustomize' && gitops === 'kapp')).map((gitops) => `${tool} × ${gitops}`),
        );
        expect([...pairs].filter((pair) => expected.includes(pair)).sort()).toEqual(expected.sort());
      });

      test('nip.io with --choose registry=harbor is refused with the reason', () => {
        const harbor = disabledOptions(journey, whole).find((d) => d.chapter.id === 'registry' && d.choice === 'harbor');
        expect(harbor?.prefix.choices['setup/domain']).toBe('nip');
      });

      test.concurrent('hero-journey lint passes on the bundled journey', async () => {
        const result = await runBin(['lint', '--no-color'], { cwd: sandbox.workspace, env: sandbox.env });
        expect(result.stderr).toBe('');
        expect(result.stdout).toMatch(/journey "hero-development" \(\d+ chapters\): (no problems|0 errors)/);
        expect(result.exitCode, result.stdout).toBe(0);
      });
    }
  });
}

describe('lint --json', () => {
  test('notes, and only in JSON, that ShellCheck did not run when it is not installed', async () => {
    const sandbox = await makeSandbox();
    try {
      const env = { ...sandbox.env, PATH: '/nonexistent' };
      const quest = join(repoRoot, 'test', 'fixtures', 'journeys', 'quest');
      const json = await runBin(['lint', quest, '--json'], { cwd: sandbox.workspace, env });
      expect(JSON.parse(json.stdout)).toEqual({ ok: true, problems: [], notes: [expect.stringMatching(/^shellcheck is not installed/)] });
      const text = await runBin(['lint', quest], { cwd: sandbox.workspace, env });
      expect(text.stdout).toBe('journey "quest" (14 chapters): no problems\n');
    } finally {
      await sandbox.cleanup();
    }
  });
});
