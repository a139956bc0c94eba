import { describe, expect, it } from 'vitest';
import { variableUses } from '../../../src/journey/shell-reader.ts';

const names = (code: string): string[] => variableUses(code).map((use) => use.name);

describe('variableUses', () => {
  it.each([
    ['plain and braced', 'echo $A ${B}', ['A', 'B']],
    ['inside double quotes', 'echo "hi $A, ${B}!"', ['A', 'B']],
    ['length, pattern removal, arrays and indirection', 'echo ${#A} ${B%%/*} ${C[@]} ${!D}', ['A', 'B', 'C', 'D']],
    ['`:?` still needs the variable', 'echo ${A:?set A first}', ['A']],
    ['command substitution and backticks', 'x=$(kubectl get ns "$NS")\ny=`echo $B`', ['NS', 'B']],
    ['arithmetic', 'echo $(( COUNT + 1 )) $((${N} * 2))', ['COUNT', 'N']],
    ['an unquoted here-document expands', 'cat <<EOF\nhost: $HOST\nEOF', ['HOST']],
    ['a use in a default', 'echo ${A:-$B}', ['B']],
    ['the same name twice on a line counts once', 'echo $A $A', ['A']],
  ])('reads %s', (_name, code, expected) => {
    expect(names(code)).toEqual(expected);
  });

  it.each([
    ['single quotes', "echo '$A ${B}' \"it's\""],
    ['ANSI-C quotes and escapes', "echo $'$A\\n' \\$B"],
    ['positional and special parameters', 'echo $1 ${2} $? $@ $* $# $$ $! $- $0 $_ ${#} ${@}'],
    ['guarded expansions', 'echo ${A:-} ${B-x} ${C:+"set"} ${D+x} ${E:+ ($E)}'],
    ['assignments earlier in the step', 'A=1\nB+=2\nC[0]=3\necho $A $B $C'],
    ['an assignment that reads its own old value elsewhere', 'X=${X:-0}\necho $X'],
    ['`${NAME:=default}` sets it', 'echo ${A:=1}; echo $A'],
    ['export, local, declare, readonly', 'export A=1\nf() { local B=2 C; echo $B $C; }\ndeclare -r D=4\nreadonly E=5\necho $A $D $E'],
    ['for and select loops', 'for f in a b; do echo $f; done\nselect s in x y; do echo $s; done\nfor ((i=0; i<3; i++)); do echo $i; done'],
    ['read with options', 'read -r -p "Name? " -t 5 NAME AGE <<< "a b"\necho $NAME $AGE\nread -ra PARTS <<< "x"\necho ${PARTS[0]}'],
    ['mapfile, printf -v, getopts, let and arithmetic', 'mapfile -t LINES < f; printf -v OUT "%s" x; getopts ab OPT; let N=1; (( M = 2 )); (( K++ ))\necho ${LINES[0]} $OUT $OPT $N $M $K'],
    ['well-known names', 'echo $HOME $PATH $USER $PWD $KUBECONFIG $HERO_JOURNEY_CHAPTER $HERO_JOURNEY_WORKSPACE $RANDOM $REPLY $BASH_REMATCH'],
    ['quoted here-documents', "cat <<'EOF'\n$A\nEOF\ncat <<\"EOF\"\n$B\nEOF\ncat <<-\\EOF\n\t$C\n\tEOF"],
    ['comments', '# uses $A\necho hi # and $B'],
    ['`[[ -v NAME ]]` guards', '[[ -v A ]] && echo "$A"'],
    ['case branches that assign', 'case "$(uname)" in\n  Linux) os=linux ;;\n  *) os=other ;;\nesac\necho $os'],
  ])('ignores %s', (_name, code) => {
    expect(names(code)).toEqual([]);
  });

  it('reports a use before the assignment that comes later', () => {
    expect(variableUses('echo "$A"\nA=1\necho "$A"')).toEqual([{ name: 'A', line: 1 }]);
  });

  it('gives 1-based lines within the code, across continuations and here-documents', () => {
    const code = 'kubectl apply -f - <<EOF\nname: $NAME\nEOF\nhelm install x \\\n  --set a=$VALUE';
    expect(variableUses(code)).toEqual([
      { name: 'NAME', line: 2 },
      { name: 'VALUE', line: 5 },
    ]);
  });

  it('reads what the bundled setup chapter does without false alarms', () => {
    const code = [
      'resolve_ipv4() {',
      '  local name=$1 ip=""',
      '  ip=$(getent ahostsv4 "$name" | awk \'{print $1; exit}\') || true',
      '  echo "$ip"',
      '}',
      'service=$(kubectl get services -o jsonpath=\'{range .items[*]}{.metadata.name}{"\\n"}{end}\' | head -n 1)',
      'export INGRESS_NAMESPACE="${service%%/*}"',
      'if [[ "$ADDRESS" =~ ^[0-9]+(\\.[0-9]+){3}$ ]]; then',
      '  INGRESS_IP="$ADDRESS"',
      'fi',
      'echo "at $INGRESS_HOST${INGRESS_IP:+ ($INGRESS_IP)}"',
    ].join('\n');
    expect(variableUses(code)).toEqual([
      { name: 'ADDRESS', line: 8 },
      { name: 'ADDRESS', line: 9 },
      { name: 'INGRESS_HOST', line: 11 },
    ]);
  });
});
