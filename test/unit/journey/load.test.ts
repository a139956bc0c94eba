import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../../src/errors.ts';
import { parseChapter } from '../../../src/journey/chapter.ts';
import { chapterIdFromPath, resolveChapterRef } from '../../../src/journey/ids.ts';
import { JourneyError, loadJourney, parseJourneyFile } from '../../../src/journey/load.ts';

const questDir = join(import.meta.dirname, '../../fixtures/journeys/quest');

/** `line severity: message` for each problem of a chapter text. */
function chapterProblems(text: string, file = 'a/ch.md'): string[] {
  return parseChapter(text, file).problems.map((p) => `${p.loc.line} ${p.severity}: ${p.message}`);
}

describe('chapter ids', () => {
  it.each([
    ['start.md', 'start'],
    ['https/cert-manager.md', 'https/cert-manager'],
    ['https/README.md', 'https'],
    ['a/b/readme.md', 'a/b'],
  ])('%s is %s', (path, id) => {
    expect(chapterIdFromPath(path)).toBe(id);
  });

  it.each([
    ['./cert-manager', 'https/choose.md', 'https/cert-manager'],
    ['../db', 'https/choose.md', 'db'],
    ['db', 'https/choose.md', 'db'],
    ['/db', 'https/choose.md', 'db'],
    ['./x', 'https/README.md', 'https/x'],
    ['.', 'https/x.md', 'https'],
    ['./cert-manager.md', 'https/choose.md', 'https/cert-manager'],
    ['../https/README.md', 'https/choose.md', 'https'],
    ['start', 'journey.yaml', 'start'],
  ])('%s from %s is %s', (ref, from, id) => {
    expect(resolveChapterRef(ref, from)).toEqual({ id });
  });

  it.each([
    ['../../x', 'a/b.md', '`../../x` points outside the journey folder'],
    ['..', 'b.md', '`..` points outside the journey folder'],
    ['./', 'b.md', '`./` points at the journey folder itself, not at a chapter'],
    ['a b', 'b.md', "`a b` is not a chapter id: use the chapter's path without `.md`, like `https/cert-manager`"],
  ])('%s from %s is refused', (ref, from, error) => {
    expect(resolveChapterRef(ref, from)).toEqual({ error });
  });
});

describe('parseChapter', () => {
  it('reads every front matter key into the model', () => {
    const text = [
      '---', // 1
      'title: Use HTTPS', // 2
      'episode: 7', // 3
      'summary: Certificates for Hero', // 4
      'when: vars.DOMAIN_MODE != "nip"', // 5
      'skip-to: ../done', // 6
      'inputs:', // 7
      '  - name: DOMAIN', // 8
      '    prompt: Your domain', // 9
      '    default: hero.${BASE}', // 10
      '    validate: hostname', // 11
      '    when: vars.A == "b"', // 12
      '  - name: TOKEN', // 13
      '    prompt: A token', // 14
      '    secret: true', // 15
      'next:', // 16
      '  - goto: ./helm', // 17
      '    when: choices["app"] == "helm"', // 18
      '  - ./plain', // 19
      'checks:', // 20
      '  - use: certificate-ready', // 21
      '    with: { name: hero }', // 22
      '    timeout: 2m', // 23
      '    hint: Look at the issuer', // 24
      '  - assert:', // 25
      '      apiVersion: v1', // 26
      '      kind: Secret', // 27
      '      metadata: { name: hero-tls }', // 28
      '    expression: object.type == "kubernetes.io/tls"', // 29
      '    id: tls', // 30
      '    title: The TLS secret exists', // 31
      '---', // 32
      '', // 33
      'Intro', // 34
      '', // 35
      '```sh', // 36
      'export A=1', // 37
      '```', // 38
    ].join('\n');
    const { chapter, problems, refs } = parseChapter(text, 'https/cert-manager.md');
    expect(problems).toEqual([]);
    expect(chapter).toMatchObject({
      id: 'https/cert-manager',
      file: 'https/cert-manager.md',
      title: 'Use HTTPS',
      episode: '7',
      summary: 'Certificates for Hero',
      when: { source: 'vars.DOMAIN_MODE != "nip"', loc: { file: 'https/cert-manager.md', line: 5 } },
      skipTo: 'done',
      inputs: [
        {
          name: 'DOMAIN',
          prompt: 'Your domain',
          default: 'hero.${BASE}',
          validate: 'hostname',
          secret: false,
          when: { source: 'vars.A == "b"', loc: { line: 12 } },
          loc: { line: 8 },
        },
        { name: 'TOKEN', prompt: 'A token', secret: true, loc: { line: 13 } },
      ],
      choices: [],
      next: [
        { goto: 'https/helm', when: { source: 'choices["app"] == "helm"' }, loc: { line: 17 } },
        { goto: 'https/plain', loc: { line: 19 } },
      ],
      checks: [
        { kind: 'use', id: 'certificate-ready', use: 'certificate-ready', with: { name: 'hero' }, timeout: 120, hint: 'Look at the issuer', loc: { line: 21 } },
        {
          kind: 'assert',
          id: 'tls',
          title: 'The TLS secret exists',
          object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'hero-tls' } },
          expression: { source: 'object.type == "kubernetes.io/tls"', loc: { line: 29 } },
          loc: { line: 25 },
        },
      ],
      bodyLine: 33,
      steps: [{ id: 'step-1', code: 'export A=1', exports: ['A'], loc: { line: 36 } }],
    });
    expect(chapter.segments.map((s) => s.kind)).toEqual(['markdown', 'step']);
    expect(refs.map((r) => `${r.role} ${r.written} → ${r.id} @${r.line}`)).toEqual([
      '`skip-to` ../done → done @6',
      '`next` ./helm → https/helm @17',
      '`next` ./plain → https/plain @19',
    ]);
  });

  it('reads a choice point and both forms of dead end', () => {
    const choicePoint = parseChapter(
      '---\ntitle: Pick\nchoices:\n  - id: a\n    label: A\n    goto: ./a\n    summary: first\n  - id: b\n    label: B\n    goto: /b\n    when: vars.X == "y"\n    because: not yet\n---\n',
      'x/README.md',
    );
    expect(choicePoint.problems).toEqual([]);
    expect(choicePoint.chapter.id).toBe('x');
    expect(choicePoint.chapter.choices).toEqual([
      { id: 'a', label: 'A', goto: 'x/a', summary: 'first', loc: { file: 'x/README.md', line: 4 } },
      { id: 'b', label: 'B', goto: 'b', when: { source: 'vars.X == "y"', loc: { file: 'x/README.md', line: 11 } }, because: 'not yet', loc: { file: 'x/README.md', line: 8 } },
    ]);
    expect(parseChapter('---\ntitle: Swamp\ndead-end: Go back.\n---\n', 's.md').chapter.deadEnd).toEqual({ message: 'Go back.' });
    expect(parseChapter('---\ntitle: Swamp\ndead-end: true\nmessage: Go back.\n---\n', 's.md').chapter.deadEnd).toEqual({ message: 'Go back.' });
  });

  it.each([
    ['no front matter', '# Hi\n', ['1 error: the chapter has no front matter: start the file with a line `---`, then `title: ...`, then another line `---`']],
    ['unclosed front matter', '---\ntitle: x\n', ['1 error: the front matter that starts on line 1 is never closed: add a line `---` after it']],
    ['empty front matter', '---\n---\n', ['2 error: the front matter is empty: it needs at least `title: ...`']],
    ['missing title', '---\nsummary: s\n---\n', ['2 error: the front matter needs `title`']],
    [
      'unknown key',
      '---\ntitle: t\nchioces: []\n---\n',
      ['3 error: unknown key `chioces` in the front matter — did you mean `choices`? (known keys: title, episode, summary, when, because, skip-to, kubeconfig, inputs, choices, next, dead-end, message, checks)'],
    ],
    ['bad YAML', '---\ntitle: t\nnext: [a\n---\n', ['3 error: this is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]']],
    ['a duplicate key', '---\ntitle: t\ntitle: u\n---\n', ['3 error: this key is given twice in the same mapping; keep one']],
    ['a list as title', '---\ntitle: [a]\n---\n', ['2 error: `title` must be text, not a list']],
    ['choices and next', '---\ntitle: t\nchoices:\n  - { id: a, label: A, goto: x }\n  - { id: b, label: B, goto: y }\nnext: z\n---\n', [
      '6 error: a chapter with `choices` continues with the chosen option: remove `next` (put it on the chapters the choices go to)',
    ]],
    ['a choice without goto', '---\ntitle: t\nchoices:\n  - id: a\n    label: A\n  - { id: b, label: B, goto: y }\n---\n', ['4 error: choice `a` needs `goto`']],
    ['duplicate choice ids', '---\ntitle: t\nchoices:\n  - { id: a, label: A, goto: x }\n  - { id: a, label: B, goto: y }\n---\n', [
      '5 error: two choices have id `a` in this chapter; choice ids must be unique',
    ]],
    ['a single choice', '---\ntitle: t\nchoices:\n  - { id: a, label: A, goto: x }\n---\n', [
      '3 warning: a choice point with a single option is not a choice: add another option, or use `next`',
    ]],
    ['when without because', '---\ntitle: t\nchoices:\n  - { id: a, label: A, goto: x, when: "true" }\n  - { id: b, label: B, goto: y }\n---\n', [
      '4 warning: choice `a` has `when` but no `because`: say why it is disabled',
    ]],
    ['a dead end without message', '---\ntitle: t\ndead-end: true\n---\n', ['3 error: `dead-end: true` needs a `message:` saying why this path does not work']],
    ['a dead end with next', '---\ntitle: t\ndead-end: No.\nnext: x\n---\n', ['4 error: a dead end sends the learner back to the last choice: remove `next`']],
    ['a message without dead end', '---\ntitle: t\nmessage: hm\n---\n', ['3 error: `message` is only used with `dead-end: true`']],
    ['a skipped choice point without skip-to', '---\ntitle: t\nwhen: vars.A == "b"\nchoices:\n  - { id: a, label: A, goto: x }\n  - { id: b, label: B, goto: y }\n---\n', [
      '3 error: a choice point with `when` needs `skip-to`: it has no `next` to continue with when it is skipped',
    ]],
    ['skip-to without when', '---\ntitle: t\nskip-to: x\nnext: y\n---\n', ['3 warning: `skip-to` has no effect without `when`']],
    ['a goto outside the journey', '---\ntitle: t\nnext: ../../x\n---\n', ['3 error: `next`: `../../x` points outside the journey folder']],
    ['an unused next rule', '---\ntitle: t\nnext:\n  - goto: a\n  - goto: b\n    when: "true"\n---\n', [
      '5 warning: this `next` rule is never used: the rule on line 4 has no `when` and always applies first',
    ]],
    ['next without fallback', '---\ntitle: t\nnext:\n  - goto: a\n    when: "true"\n---\n', [
      '4 warning: every `next` rule has a `when`: add a last rule without `when`, so no learner is left without a way on',
    ]],
    ['a bad input', '---\ntitle: t\ninputs:\n  - name: my-var\n    prompt: p\n    validate: phone\n    secret: maybe\n---\n', [
      '4 error: input name `my-var` must be a shell variable name (letters, digits and `_`, not starting with a digit), like `DOMAIN`',
      '6 error: `validate: phone` is not a known rule: use hostname, email, url, or regex:<pattern>',
      '7 error: `secret` must be true or false',
    ]],
    ['a default that fails its pattern', '---\ntitle: t\ninputs:\n  - name: N\n    prompt: p\n    default: "12"\n    validate: "regex:[a-z]+"\n---\n', [
      '6 warning: the default `12` does not match its own `validate` pattern',
    ]],
    ['a check of two kinds', '---\ntitle: t\nchecks:\n  - use: x\n    error: { apiVersion: v1, kind: Pod }\n---\n', [
      '4 error: a check has one of `use`, `assert`, `error`, not `use` and `error`: split it into 2 checks',
    ]],
    ['a check of no kind', '---\ntitle: t\nchecks:\n  - title: what?\n---\n', ['4 error: a check needs one of `use: <module>`, `assert: <object>` or `error: <object>`']],
    ['an assert without kind', '---\ntitle: t\nchecks:\n  - assert: { metadata: { name: x } }\n---\n', [
      '4 error: the `assert` object needs `apiVersion` and `kind`, to know which resource to look at',
    ]],
    ['a bad check timeout', '---\ntitle: t\nchecks:\n  - use: x\n    timeout: soon\n---\n', ['5 error: `timeout` must be a duration: seconds (`90`), `90s`, `5m` or `1h`']],
    ['duplicate check ids', '---\ntitle: t\nchecks:\n  - use: x\n  - use: x\n---\n', ['5 error: two checks have id `x` in this chapter: give this one a different `id:`']],
    ['an unknown key in a choice', '---\ntitle: t\nchoices:\n  - { id: a, label: A, goto: x, summery: s }\n  - { id: b, label: B, goto: y }\n---\n', [
      '4 error: unknown key `summery` in a choice — did you mean `summary`? (known keys: id, label, goto, summary, when, because)',
    ]],
    ['a problem in the body', '---\ntitle: t\n---\n\n```sh timeout=x\necho\n```\n', ['5 error: step timeout `x` is not a duration: write seconds (`90`), `90s`, `5m` or `1h`']],
  ])('reports %s', (_name, text, expected) => {
    expect(chapterProblems(text)).toEqual(expected);
  });
});

describe('parseJourneyFile', () => {
  it('reads every key', () => {
    const { journey, problems } = parseJourneyFile(
      'id: hero\ntitle: Hero\ndescription: d\nstart: ./setup\nphases:\n  - id: p\n    title: P\n    chapters: [setup, https/README.md]\ninputs:\n  - name: A\n    prompt: a?\nvars:\n  PORT: 8080\n  VERSION: 1.20\n  EMPTY:\ntools:\n  - kubectl\n  - name: helm\n    version: ">=3"\n    why: charts\n',
    );
    expect(problems).toEqual([]);
    expect(journey).toEqual({
      id: 'hero',
      title: 'Hero',
      description: 'd',
      start: 'setup',
      phases: [{ id: 'p', title: 'P', chapters: ['setup', 'https'] }],
      inputs: [{ name: 'A', prompt: 'a?', secret: false, loc: { file: 'journey.yaml', line: 10 } }],
      vars: { PORT: '8080', VERSION: '1.20', EMPTY: '' },
      tools: [{ name: 'kubectl' }, { name: 'helm', version: '>=3', why: 'charts' }],
    });
  });

  it('reports every problem with its line', () => {
    const { problems } = parseJourneyFile('id: has space\nstart: s\ntitel: x\nvars:\n  bad-name: 1\n  OK: [1]\nphases:\n  - id: p\n    chapters: [a]\n');
    expect(problems.map((p) => `${p.loc.line} ${p.message}`)).toEqual([
      '1 journey id `has space` may only contain letters, digits, `-`, `_` and `.` (it names the saved progress)',
      '1 journey.yaml needs `title`',
      '3 unknown key `titel` in journey.yaml — did you mean `title`? (known keys: id, title, description, start, phases, inputs, vars, tools, one-terminal, exclude)',
      '5 variable name `bad-name` must be a shell variable name (letters, digits and `_`, not starting with a digit)',
      '6 variable `OK` must be text, not a list or mapping',
      '8 a phase needs `title`',
    ]);
  });
});

describe('loadJourney', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'hero-journey-load-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  const writeJourney = async (name: string, files: Record<string, string>): Promise<string> => {
    const dir = join(tmp, name);
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  };

  it('loads the quest fixture with ids normalised', async () => {
    const journey = await loadJourney(questDir);
    expect(journey.id).toBe('quest');
    expect(journey.dir).toBe(questDir);
    expect(journey.start).toBe('start');
    expect([...journey.chapters.keys()]).toEqual([
      'camp',
      'castle/duel-bow',
      'castle/duel-sword',
      'castle/gate',
      'ending',
      'gear',
      'gear/bow',
      'gear/sword',
      'path',
      'path/forest',
      'path/mountain',
      'path/river',
      'path/swamp',
      'start',
    ]);
    const get = (id: string) => journey.chapters.get(id)!;
    expect(get('path').choices.map((c) => c.goto)).toEqual(['path/forest', 'path/mountain', 'path/swamp', 'path/river']);
    expect(get('path/forest').next.map((r) => r.goto)).toEqual(['gear']);
    expect(get('path/river').next.map((r) => r.goto)).toEqual(['gear']);
    expect(get('castle/gate').next.map((r) => [r.goto, r.when?.source])).toEqual([
      ['castle/duel-sword', 'choices["gear"] == "sword"'],
      ['castle/duel-bow', undefined],
    ]);
    expect(get('camp').skipTo).toBe('castle/gate');
    expect(get('path/swamp').deadEnd).toEqual({ message: 'The swamp swallows the road. Hero must go back and pick another way.' });
    expect(get('start').steps.map((s) => [s.id, s.exports, s.optional])).toEqual([
      ['greet', ['GREETING'], false],
      ['step-2', [], true],
    ]);
    expect(get('path/mountain').steps.map((s) => [s.id, s.when?.source, s.timeout])).toEqual([
      ['step-1', undefined, undefined],
      ['step-2', "vars.REALM == 'sea'", undefined],
      ['summit', "choices['path'] == 'mountain'", 300],
    ]);
    expect(journey.vars).toEqual({ REALM: 'kingdom' });
    expect(journey.inputs.map((i) => i.name)).toEqual(['GUILD']);
  });

  it('says what to do when the folder or journey.yaml is missing', async () => {
    await expect(loadJourney(join(tmp, 'nope'))).rejects.toThrow(
      new UserError(`no journey at ${join(tmp, 'nope')}: the folder does not exist`, { hint: 'pass the folder that holds journey.yaml' }),
    );
    const empty = await writeJourney('empty', { 'a.md': '---\ntitle: a\n---\n' });
    const error = await loadJourney(empty).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toBe(`${empty} is not a journey: it has no journey.yaml, and no README.md or index.md to start a plain tutorial at`);
    expect((error as UserError).hint).toMatch(/journey.yaml with `id`, `title` and `start`/);
  });

  it('throws one JourneyError with every problem, sorted by file and line', async () => {
    const dir = await writeJourney('bad', {
      'journey.yaml': 'id: bad\ntitle: Bad\nstart: one\n',
      'one.md': '---\ntitle: One\nnext: two\n---\n\n```sh when="vars.X =="\necho\n```\n',
      'a/b.md': '---\ntitel: B\n---\n',
      'README.md': 'Not a chapter, so no front matter needed.\n',
      '_drafts/x.md': 'ignored',
      'checks/not-a-chapter.md': 'ignored',
      'node_modules/pkg/readme.md': 'ignored',
    });
    const error = await loadJourney(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JourneyError);
    expect((error as JourneyError).message).toBe(
      [
        `journey at ${dir} has 4 problems:`,
        '  a/b.md:2  unknown key `titel` in the front matter — did you mean `title`? (known keys: title, episode, summary, when, because, skip-to, kubeconfig, inputs, choices, next, dead-end, message, checks)',
        '  a/b.md:2  the front matter needs `title`',
        '  one.md:3  `next` points at unknown chapter `two`',
        '  one.md:6  `when` of step `step-1` is not a valid expression: Unexpected token: EOF (at character 10) in `vars.X ==`',
      ].join('\n'),
    );
    expect((error as JourneyError).problems).toHaveLength(4);
  });

  it('loads a journey that only has warnings', async () => {
    const dir = await writeJourney('warn', {
      'journey.yaml': 'id: w\ntitle: W\nstart: one\n',
      'one.md': '---\ntitle: One\nwhen: vars.UNSET == "x"\n---\n',
    });
    await expect(loadJourney(dir)).resolves.toMatchObject({ id: 'w' });
  });

  it('refuses two chapters with the same id, and a missing check module', async () => {
    const dir = await writeJourney('dup', {
      'journey.yaml': 'id: d\ntitle: D\nstart: x\n',
      'x.md': '---\ntitle: X\nchecks:\n  - use: ready\n  - use: present\n---\n',
      'x/README.md': '---\ntitle: X again\n---\n',
      'checks/present.ts': 'export default {};\n',
    });
    const error = (await loadJourney(dir).catch((e: unknown) => e)) as JourneyError;
    expect(error.problems.map((p) => `${p.loc.file}:${p.loc.line} ${p.message}`)).toEqual([
      'x.md:0 chapter id `x` is also used by x/README.md: rename one (`x.md` and `x/README.md` are both `x`)',
      'x.md:4 no check module `ready`: expected checks/ready.ts or checks/ready.js',
      'x/README.md:0 chapter id `x` is also used by x.md: rename one (`x.md` and `x/README.md` are both `x`)',
    ]);
  });
});
