import { describe, expect, test } from 'vitest';
import { keyboardUse, stepKeyboardUse } from '../../../src/journey/keyboard.ts';
import { splitChapterBody } from '../../../src/journey/markdown.ts';

describe('steps that wait for the keyboard', () => {
  test.each([
    ['read -p "Name? " NAME; echo "hi $NAME"', { kind: 'line', command: 'read', line: 1 }],
    ['echo start\nread -r -s TOKEN', { kind: 'line', command: 'read', line: 2 }],
    ['NAME=$(read -p "q " a; echo "$a")', { kind: 'line', command: 'read', line: 1 }],
    ['select tool in helm kustomize; do break; done', { kind: 'line', command: 'select', line: 1 }],
    ['rm -ri build', { kind: 'line', command: 'rm -i', line: 1 }],
    ['git add -p', { kind: 'line', command: 'git add --patch', line: 1 }],
    ['kubectl exec -i hero -- sh', { kind: 'line', command: 'kubectl exec -i', line: 1 }],
    ['kubectl edit deployment hero', { kind: 'terminal', command: 'kubectl edit', line: 1 }],
    ['kubectl -n hero --context kind-hero edit configmap hero', { kind: 'terminal', command: 'kubectl edit', line: 1 }],
    ['kubectl --namespace=hero exec -it hero -- sh', { kind: 'terminal', command: 'kubectl exec -it', line: 1 }],
    ['git -C repo commit', { kind: 'terminal', command: 'git commit', line: 1 }],
    ['docker --context remote run -it alpine', { kind: 'terminal', command: 'docker run -it', line: 1 }],
    ['kubectl exec -it hero -- sh', { kind: 'terminal', command: 'kubectl exec -it', line: 1 }],
    ['kubectl run debug --rm -i --tty --image=busybox -- sh', { kind: 'terminal', command: 'kubectl run -it', line: 1 }],
    ['docker run -ti --rm alpine sh', { kind: 'terminal', command: 'docker run -it', line: 1 }],
    ['git init -q hero && cd hero && git commit --allow-empty', { kind: 'terminal', command: 'git commit', line: 1 }],
    ['git rebase -i HEAD~2', { kind: 'terminal', command: 'git rebase', line: 1 }],
    ['vim values.yaml', { kind: 'terminal', command: 'vim', line: 1 }],
    ['sudo nano /etc/hosts', { kind: 'terminal', command: 'nano', line: 1 }],
    ['"$EDITOR" values.yaml', { kind: 'terminal', command: '$EDITOR', line: 1 }],
    ['read -p "Sure? " ok\nkubectl edit cm hero', { kind: 'terminal', command: 'kubectl edit', line: 2 }],
  ])('%s', (code, expected) => {
    expect(keyboardUse(code)).toEqual({ ...expected, because: `\`${expected.command}\` on line ${expected.line}` });
  });

  test('a block that says `keyboard=line` or `keyboard=terminal` decides, where the code cannot tell', () => {
    expect(stepKeyboardUse({ code: './configure.sh', keyboard: 'line' })).toEqual({ kind: 'line', command: 'keyboard=line', line: 1, because: 'its block says `keyboard=line`' });
    expect(stepKeyboardUse({ code: 'read NAME', keyboard: 'terminal' })?.kind).toBe('terminal');
    expect(stepKeyboardUse({ code: './configure.sh' })).toBeUndefined();
    const { steps, problems } = splitChapterBody('```sh keyboard=line\n./configure.sh\n```\n\n```sh keyboard=yes\necho\n```\n', { file: 'a.md', startLine: 1 });
    expect(steps[0]?.keyboard).toBe('line');
    expect(steps[1]?.keyboard).toBeUndefined();
    expect(problems.map((problem) => problem.message)).toEqual(['step attribute `keyboard` is `line` (the step reads lines you type) or `terminal` (it needs the whole terminal, as an editor does), not `yes`']);
  });

  test.each([
    'echo hi',
    'read -r line < file.txt',
    'read NAME <<< "$VALUE"',
    'echo x | read y',
    'while read -r line; do echo "$line"; done < list.txt',
    'read -u 3 line',
    'git commit -m "Hero"',
    'git -C repo commit -m "Hero"',
    'kubectl -n edit get pods',
    'git commit -am "Hero"',
    'git commit --amend --no-edit',
    'kubectl exec hero -- ls',
    'kubectl apply -f - <<EOF\nkind: Namespace\nEOF',
    'docker run --rm alpine echo hi',
    'top -b -n 1',
    '# vim is a fine editor\necho done',
    "echo 'read -p x y'",
  ])('%s reads no keyboard', (code) => {
    expect(keyboardUse(code)).toBeUndefined();
  });
});
