import { describe, expect, it } from 'vitest';
import { exportedNames, parseInfoString, splitChapterBody } from '../../../src/journey/markdown.ts';

const origin = { file: 'ch.md', startLine: 5 };

/** Segments in a compact form: prose text, or `step <id> @<line>: <code>`. */
function outline(body: string): string[] {
  return splitChapterBody(body, origin).segments.map((segment) =>
    segment.kind === 'markdown' ? segment.text : `step ${segment.step.id} @${segment.step.loc.line}: ${segment.step.code}`,
  );
}

function problems(body: string): string[] {
  return splitChapterBody(body, origin).problems.map((p) => `${p.loc.line} ${p.severity}: ${p.message}`);
}

describe('splitChapterBody', () => {
  it.each([
    ['prose only', '# Title\n\nSome text.\n', ['# Title\n\nSome text.']],
    ['a step between prose', 'Before\n\n```sh\necho hi\n```\n\nAfter\n', ['Before', 'step step-1 @7: echo hi', 'After']],
    ['bash and shell are steps too', '```bash\na\n```\n```shell\nb\n```\n', ['step step-1 @5: a', 'step step-2 @8: b']],
    ['the language is case-insensitive', '```Bash\na\n```\n', ['step step-1 @5: a']],
    ['other languages stay prose', 'x\n\n```yaml\na: 1\n```\n', ['x\n\n```yaml\na: 1\n```']],
    ['norun stays prose', '```sh norun\nrm -rf /\n```\n', ['```sh norun\nrm -rf /\n```']],
    ['tilde fences', '~~~sh\necho ~\n~~~\n', ['step step-1 @5: echo ~']],
    ['a longer fence holds a shorter one', '````sh\ncat <<EOF\n```\nEOF\n````\n', ['step step-1 @5: cat <<EOF\n```\nEOF']],
    ['indented code is never a step', '    echo indented\n', ['    echo indented']],
    ['a fence indented up to 3 spaces', '   ```sh\n   echo a\n   ```\n', ['step step-1 @5: echo a']],
    ['line numbers count CRLF lines once', 'a\r\n\r\n```sh\r\nx\r\n```\r\n', ['a', 'step step-1 @7: x']],
    ['ids from attributes', '```sh id=first\na\n```\n\n```sh\nb\n```\n', ['step first @5: a', 'step step-2 @9: b']],
  ])('%s', (_name, body, expected) => {
    expect(outline(body)).toEqual(expected);
  });

  it('reads every attribute of a step', () => {
    const { steps } = splitChapterBody('```sh title="Say hello" id=hello timeout=5m when="vars.A == \'b c\'" optional\necho hi\n```\n', origin);
    expect(steps).toEqual([
      {
        id: 'hello',
        index: 0,
        title: 'Say hello',
        lang: 'sh',
        code: 'echo hi',
        when: { source: "vars.A == 'b c'", loc: { file: 'ch.md', line: 5 } },
        timeout: 300,
        optional: true,
        exports: [],
        loc: { file: 'ch.md', line: 5 },
      },
    ]);
  });

  it('records exports of each step', () => {
    const { steps } = splitChapterBody('```sh\nexport A=1\ndeclare -x B="$(date)"\n```\n', origin);
    expect(steps[0]!.exports).toEqual(['A', 'B']);
  });

  it.each([
    ['unknown attribute', '```sh tittle="x"\na\n```\n', ['5 error: unknown step attribute `tittle` — did you mean `title`? (known: title, when, because, id, timeout, optional, norun, keyboard)']],
    ['bad timeout', '```sh timeout=soon\na\n```\n', ['5 error: step timeout `soon` is not a duration: write seconds (`90`), `90s`, `5m` or `1h`']],
    ['duplicate ids', '```sh id=a\n1\n```\n```sh id=a\n2\n```\n', ['8 error: two steps have id `a` in this chapter; step ids must be unique']],
    ['unclosed fence', 'x\n\n```sh\necho never closed\n', ['7 error: this `sh` block is never closed: add a closing line ``` after its last command']],
    ['flag with a value', '```sh optional=yes\na\n```\n', ['5 error: step attribute `optional` takes no value: write just `optional`']],
    ['unclosed quote', '```sh title="oops\na\n```\n', ['5 error: the value of `title` has no closing "']],
    ['empty step', '```sh\n```\n', ['5 warning: this `sh` block is empty: add a command, or remove the block']],
    [
      'a shell block inside a list',
      '1. Run:\n\n   ```sh\n   echo a\n   ```\n',
      ['7 warning: this `sh` block is inside a list or quote, so it is shown but not run as a step: move it to the top level (no indentation), or add `norun`'],
    ],
    ['norun inside a list is fine', '- x\n\n  ```sh norun\n  a\n  ```\n', []],
  ])('reports %s', (_name, body, expected) => {
    expect(problems(body)).toEqual(expected);
  });
});

describe('parseInfoString', () => {
  it.each([
    ['', {}, []],
    ['optional norun', {}, ['optional', 'norun']],
    ['title="a \\"quoted\\" word"', { title: 'a "quoted" word' }, []],
    ["title='single $quotes'", { title: 'single $quotes' }, []],
    ['id=x-1 timeout=90s', { id: 'x-1', timeout: '90s' }, []],
    ['when="choices[\'https\'] == \'cert-manager\' && vars.A != \'\'"', { when: "choices['https'] == 'cert-manager' && vars.A != ''" }, []],
  ])('%s', (info, values, flags) => {
    const parsed = parseInfoString(info);
    expect(parsed.problems).toEqual([]);
    expect(Object.fromEntries(parsed.values)).toEqual(values);
    expect([...parsed.flags]).toEqual(flags);
  });
});

describe('exportedNames', () => {
  it.each([
    ['export A=1', ['A']],
    ['export A B', ['A', 'B']],
    ['export A="$(kubectl get svc -o jsonpath="{.x}")"', ['A']],
    ["export A='x y' B=$(echo \"a b\")", ['A', 'B']],
    ['declare -x A=1', ['A']],
    ['declare -gx A B=2', ['A', 'B']],
    ['typeset -x T', ['T']],
    ['declare A=1', []],
    ['declare +x A', []],
    ['export -n A', []],
    ['export -f myfunc', []],
    ['export -p', []],
    ['export -- A=1', ['A']],
    ['cd /tmp && export A=1; export B=2 || true', ['A', 'B']],
    ['if true; then export A=1; fi', ['A']],
    ['( export SUB=1 )', []],
    ['echo "export NOT=1"', []],
    ["echo 'export NOT=1'", []],
    ['# export NOT=1', []],
    ['echo x # export NOT=1', []],
    ['cat <<EOF\nexport NOT=1\nEOF\nexport A=1', ['A']],
    ["cat <<-'EOF'\n\texport NOT=1\n\tEOF\nexport A=1", ['A']],
    ['export A=1 \\\n  B=2', ['A', 'B']],
    ['export A=1\nexport A=2', ['A']],
    ['X=1 export A', ['A']],
    ['export 1A=2 ok_B', ['ok_B']],
    ['f() { export F=1; }', ['F']],
    ['export URL="http://$(hostname):8080/$(echo "a)b")"', ['URL']],
  ])('%j', (code, expected) => {
    expect(exportedNames(code)).toEqual(expected);
  });
});
