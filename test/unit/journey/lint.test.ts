import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { run } from '../../../src/commands/lint.ts';
import { lintJourney } from '../../../src/journey/lint.ts';
import { formatProblem } from '../../../src/journey/problems.ts';

const fixtures = join(import.meta.dirname, '../../fixtures/journeys');

/** A stream that collects what is written to it. */
function sink(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text };
}

describe('lintJourney', () => {
  it('finds every planted mistake in the broken journey at once', async () => {
    const { problems } = await lintJourney(join(fixtures, 'broken'));
    expect(problems.map(formatProblem)).toEqual([
      'journey.yaml:1  journey.yaml needs `title`',
      'journey.yaml:2  unknown key `titel` in journey.yaml — did you mean `title`? (known keys: id, title, description, start, phases, inputs, vars, tools, one-terminal, exclude)',
      'journey.yaml:7  phase `one` points at unknown chapter `nowhere`',
      'journey.yaml:10  variable name `9LIVES` must be a shell variable name (letters, digits and `_`, not starting with a digit)',
      'badyaml.md:1  chapter `badyaml` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'badyaml.md:3  this is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
      'dup.md  chapter id `dup` is also used by dup/README.md: rename one (`x.md` and `x/README.md` are both `x`)',
      'dup.md:1  chapter `dup` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'dup/README.md  chapter id `dup` is also used by dup.md: rename one (`x.md` and `x/README.md` are both `x`)',
      'hub.md:1  warning: chapter `hub` is in no phase of journey.yaml, so the map cannot place it',
      'hub.md:7  two choices have id `left` in this chapter; choice ids must be unique',
      'hub.md:10  choice `right` needs `goto`',
      'hub.md:14  `goto` points at unknown chapter `lef` (written `./lef`) — did you mean `left`?',
      'hub.md:15  `when` of choice `up` is not a valid expression: Unexpected token: EOF (at character 14) in `vars.REALM ==`',
      'hub.md:17  a chapter with `choices` continues with the chosen option: remove `next` (put it on the chapters the choices go to)',
      'left.md:1  warning: chapter `left` is in no phase of journey.yaml, so the map cannot place it',
      'left.md:3  `when` uses `choices["nope"]`, but `nope` is not a choice point',
      'left.md:5  no check module `missing-module`: expected checks/missing-module.ts or checks/missing-module.js',
      'left.md:6  a check has one of `use`, `assert`, `error`, not `use` and `assert`: split it into 2 checks',
      'left.md:10  the `assert` object needs `kind`, to know which resource to look at',
      'left.md:14  `expression` of a check is not a valid expression: Unexpected token: EOF (at character 23) in `object.spec.replicas >`',
      'left.md:16  `with` must be a mapping',
      'left.md:17  `skip-to` points at unknown chapter `nowhere-else` (written `./nowhere-else`)',
      'left.md:20  `when` of step `same` compares `choices["hub"]` with `lefty`, which is not one of its choices (left, right, up) — did you mean `left`?',
      'left.md:24  two steps have id `same` in this chapter; step ids must be unique',
      'loop-a.md:1  chapter `loop-a` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'loop-a.md:1  these chapters lead to each other with no choice or condition, forever: loop-a → loop-b → loop-a',
      'loop-b.md:1  chapter `loop-b` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'nofront.md:1  the chapter has no front matter: start the file with a line `---`, then `title: ...`, then another line `---`',
      'nofront.md:1  chapter `nofront` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'notitle.md:1  chapter `notitle` cannot be reached from the start: no choice, `next` or `skip-to` leads to it',
      'notitle.md:2  the front matter needs `title`',
      'notitle.md:3  warning: `when` uses `vars.REALMS`, which no `vars` entry, input or step `export` of this journey sets — did you mean `REALM`?',
      'start.md:3  unknown key `chioces` in the front matter — did you mean `choices`? (known keys: title, episode, summary, when, because, skip-to, kubeconfig, inputs, choices, next, dead-end, message, checks)',
      'start.md:6  input name `1ST` must be a shell variable name (letters, digits and `_`, not starting with a digit), like `DOMAIN`',
      'start.md:8  `validate` pattern does not compile: missing closing ): `(` (patterns use RE2 syntax, as in CEL and Kubernetes: no lookaround or backreferences)',
      'start.md:9  warning: input `API_TOKEN` is named like a credential but has no `secret: true`: add it, so the value is masked when typed and never shown, logged or mirrored (play already treats it so)',
      'start.md:17  unknown step attribute `tiemout` — did you mean `timeout`? (known: title, when, because, id, timeout, optional, norun, keyboard)',
      'start.md:21  step timeout `forever` is not a duration: write seconds (`90`), `90s`, `5m` or `1h`',
      'trap.md:1  warning: this dead end can be reached without passing a choice point, so there is no choice to go back to',
      'trap.md:1  warning: chapter `trap` is in no phase of journey.yaml, so the map cannot place it',
      'trap.md:3  `dead-end: true` needs a `message:` saying why this path does not work',

    ]);
  });

  it('finds nothing wrong with the quest journey', async () => {
    const { journey, problems } = await lintJourney(join(fixtures, 'quest'));
    expect(problems).toEqual([]);
    expect(journey?.id).toBe('quest');
  });
});

describe('hero-journey lint', () => {
  it('prints file:line lines and a summary, and fails on errors', async () => {
    const out = sink();
    const code = await run({ dir: join(fixtures, 'broken'), json: false, stdout: out.stream });
    expect(code).toBe(1);
    const lines = out.text().split('\n');
    expect(lines[0]).toBe('journey.yaml:1  journey.yaml needs `title`');
    expect(lines).toContain('trap.md:1  warning: this dead end can be reached without passing a choice point, so there is no choice to go back to');
    expect(lines.at(-2)).toBe('journey "broken" (10 chapters): 36 errors, 6 warnings');
  });

  it('passes a good journey', async () => {
    const out = sink();
    expect(await run({ dir: join(fixtures, 'quest'), json: false, stdout: out.stream })).toBe(0);
    expect(out.text()).toBe('journey "quest" (14 chapters): no problems\n');
  });

  it('prints JSON for machines', async () => {
    const out = sink();
    expect(await run({ dir: join(fixtures, 'broken'), json: true, stdout: out.stream })).toBe(1);
    const report = JSON.parse(out.text()) as { ok: boolean; problems: { file: string; line: number; severity: string; message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.problems).toHaveLength(42);
    expect(report.problems[0]).toEqual({ file: 'journey.yaml', line: 1, severity: 'error', message: 'journey.yaml needs `title`' });
  });

  it('reports a folder without a journey as JSON too', async () => {
    const out = sink();
    expect(await run({ dir: join(fixtures, 'nowhere'), json: true, stdout: out.stream })).toBe(1);
    expect(JSON.parse(out.text())).toMatchObject({ ok: false, problems: [{ file: '', line: 0, severity: 'error' }] });
  });

  it('leaves a missing journey to the CLI as a UserError without --json', async () => {
    const out = sink();
    await expect(run({ dir: join(fixtures, 'nowhere'), json: false, stdout: out.stream })).rejects.toThrow(/the folder does not exist/);
  });
});
