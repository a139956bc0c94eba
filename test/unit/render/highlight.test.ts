import { describe, expect, test } from 'vitest';
import { canHighlight, highlightCode } from '../../../src/render/highlight.ts';
import { highlightShell } from '../../../src/render/shell-highlight.ts';
import { stripAnsi } from '../../../src/render/text.ts';
import { themeFor } from '../../../src/render/theme.ts';

const colour = themeFor({ color: true, unicode: true });
const none = themeFor({ color: false, unicode: true });

/** Show styles as tags so expectations stay readable: bold → <b>, cyan → <c>, … */
function tags(text: string): string {
  const names: Record<string, string> = { '1': 'b', '2': 'dim', '32': 'str', '33': 'var', '35': 'op', '36': 'flag' };
  return text.replace(/\u001B\[(\d+)m/g, (_, code: string) => {
    const name = names[code];
    if (name) return `<${name}>`;
    return ['22', '39'].includes(code) ? '</>' : `<${code}>`;
  });
}

const scripts = [
  'helm upgrade --install cert-manager jetstack/cert-manager --namespace cert-manager --set crds.enabled=true --wait',
  'export DOMAIN="${IP}.nip.io" # remembered for later chapters',
  "kubectl get pods -o jsonpath='{.items[*].metadata.name}' | grep -c hero && echo ok",
  'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: "$NS"\nEOF\nkubectl get ns',
  'helm install x y \\\n  --set a=b \\\n  --wait',
  'if [ -z "$DOMAIN" ]; then\n  echo "no domain"\nfi',
  'echo "unterminated\nstill string" done',
  'FOO=1 BAR=$(date +%s) ./run.sh 2>&1 >/dev/null',
];

describe('highlightShell', () => {
  test.each(scripts)('keeps the text exactly: %s', (script) => {
    expect(stripAnsi(highlightShell(script, colour))).toBe(script);
  });

  test('command words bold, flags coloured, `--set` and `--wait` not mistaken for builtins', () => {
    expect(tags(highlightShell('helm install x --set a=b --wait', colour))).toBe(
      '<b>helm</> install x <flag>--set</> a=b <flag>--wait</>',
    );
  });

  test('strings, variables, comments and operators', () => {
    expect(tags(highlightShell('export D="${IP}.nip.io" # note', colour))).toBe(
      '<b>export</> D=<str>"</><var>${IP}</><str>.nip.io"</> <dim># note</>',
    );
    expect(tags(highlightShell('a | b && c', colour))).toBe('<b>a</> <op>|</> <b>b</> <op>&&</> <b>c</>');
  });

  test('a continued line does not start a new command; a here-document is text', () => {
    const out = highlightShell('helm install \\\n  --wait\ncat <<EOF\nkind: x\nEOF\nls', colour).split('\n');
    expect(tags(out[1] ?? '')).toBe('  <flag>--wait</>');
    expect(tags(out[3] ?? '')).toBe('<str>kind: x</>');
    expect(tags(out[5] ?? '')).toBe('<b>ls</>');
  });

  test('each line is styled on its own', () => {
    for (const line of highlightShell(scripts[3] ?? '', colour).split('\n')) {
      const opens = (line.match(/\u001B\[(?:1|2|3[0-7])m/g) ?? []).length;
      const closes = (line.match(/\u001B\[(?:22|39)m/g) ?? []).length;
      expect(opens).toBe(closes);
    }
  });
});

describe('highlightCode', () => {
  test('plain without colour, and for unknown languages', () => {
    expect(highlightCode('kind: Pod', 'yaml', none)).toBe('kind: Pod');
    expect(highlightCode('whatever', 'brainfuck', colour)).toBe('whatever');
    expect(highlightCode('whatever', undefined, colour)).toBe('whatever');
  });

  test('YAML, JSON and Go through highlight.js, text unchanged', () => {
    for (const [code, lang] of [
      ['apiVersion: v1\nkind: Pod # a pod\nspec:\n  containers: []', 'yaml'],
      ['{"a": [1, true, "x & <y>"]}', 'json'],
      ['func main() { fmt.Println("hi") }', 'go'],
      ['[section]\nkey = "value"', 'toml'],
    ] as const) {
      const out = highlightCode(code, lang, colour);
      expect(out).not.toBe(code);
      expect(stripAnsi(out)).toBe(code);
    }
    expect(canHighlight('yml')).toBe(true);
    expect(canHighlight('sh')).toBe(true);
    expect(canHighlight('cobol')).toBe(false);
  });
});
