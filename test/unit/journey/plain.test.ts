import { describe, expect, test } from 'vitest';
import { assembleJourney } from '../../../src/journey/load.ts';
import { splitChapterBody, readTranscript } from '../../../src/journey/markdown.ts';
import { assignedNames, conditionInput, inferJourney, placeholderInputs, plainChapterId, readCondition } from '../../../src/journey/plain.ts';

/** Infer a journey from files given as path → text, and put it together as the loader does. */
function infer(files: Record<string, string>, folder = 'tutorial') {
  const inferred = inferJourney(folder, new Map(Object.entries(files)));
  const { journey, problems } = assembleJourney(inferred.journeyFile, inferred.chapters, { checkModules: new Set() }, '/tmp/tutorial');
  const lines = inferred.inferences.map((i) => `${i.loc.file}:${i.loc.line} ${i.kind}: ${i.message}`);
  return { journey, problems, inferences: inferred.inferences, lines };
}

describe('the journey of a plain tutorial', () => {
  test('id from the folder, title from the first heading, start at README.md', () => {
    const { journey, problems, lines } = infer({ 'README.md': 'Intro\n\n# Hero: the guide\n\nText.\n' }, 'my tutorial!');
    expect(problems).toEqual([]);
    expect(journey).toMatchObject({ id: 'my-tutorial-', title: 'Hero: the guide', start: 'README' });
    expect(lines).toContain('README.md:3 inferred: chapter title "Hero: the guide" from the first heading');
  });

  test('index.md is the start when there is no README.md; a setext heading is a title too', () => {
    const { journey } = infer({ 'index.md': 'Getting started\n===============\n' });
    expect(journey.start).toBe('index');
    expect(journey.title).toBe('Getting started');
  });

  test('a page without a heading is titled after its file, and says so', () => {
    const { journey, lines } = infer({ 'README.md': 'Just text.\n' });
    expect(journey.chapters.get('README')?.title).toBe('README');
    expect(lines).toContain('README.md:1 undecided: no heading: the chapter is titled `README` after its file');
  });

  test('ids of pages: the root README is README, x/README.md is x', () => {
    expect(plainChapterId('README.md')).toBe('README');
    expect(plainChapterId('docs/setup.md')).toBe('docs/setup');
    expect(plainChapterId('helm/README.md')).toBe('helm');
  });
});

describe('choices and next from links', () => {
  test('a closing list of two or more links to pages is a choice point, labels and summaries from the items', () => {
    const { journey, problems, lines } = infer({
      'README.md': '# Deploy\n\n## Pick one\n\n- [kubectl](kubectl.md) — plain manifests\n- [Helm](./helm/): a chart\n',
      'kubectl.md': '# kubectl\n',
      'helm/README.md': '# Helm\n',
    });
    expect(problems).toEqual([]);
    expect(journey.chapters.get('README')?.choices.map(({ id, label, goto, summary }) => ({ id, label, goto, summary }))).toEqual([
      { id: 'kubectl', label: 'kubectl', goto: 'kubectl', summary: 'plain manifests' },
      { id: 'helm', label: 'Helm', goto: 'helm', summary: 'a chart' },
    ]);
    expect(lines).toContain('README.md:5 inferred: choice point: "kubectl" → kubectl, "Helm" → helm');
    expect([...journey.chapters.keys()]).toEqual(['README', 'kubectl', 'helm']);
  });

  test('a link list under a heading that asks a question is a choice point even with text after it', () => {
    const { journey } = infer({
      'README.md': '# Deploy\n\n## Which cloud do you use?\n\n- [AWS](aws.md)\n- [GCP](gcp.md)\n\n## Notes\n\nSome notes.\n',
      'aws.md': '# AWS\n',
      'gcp.md': '# GCP\n',
    });
    expect(journey.chapters.get('README')?.choices.map((choice) => choice.goto)).toEqual(['aws', 'gcp']);
  });

  test('a link list in the middle of a page is not a choice: it is reported as undecided', () => {
    const { journey, lines } = infer({
      'README.md': '# Docs\n\n- [One](one.md)\n- [Two](two.md)\n\nMore text.\n',
      'one.md': '# One\n',
      'two.md': '# Two\n',
    });
    expect(journey.chapters.get('README')?.choices).toEqual([]);
    expect(lines.some((line) => line.startsWith('README.md:3 undecided: a list of 2 links to pages that is not at the end of the page'))).toBe(true);
    expect(lines).toContain('README.md:3 undecided: `one.md` is linked but not a chapter: no closing choice list or "continue" link leads to it');
    expect([...journey.chapters.keys()]).toEqual(['README']);
  });

  test('one closing "continue"-style link is next; a bare link line is too; other closing links are only links', () => {
    const next = (ending: string) =>
      infer({ 'README.md': `# A\n\nText.\n\n${ending}\n`, 'b.md': '# B\n' }).journey.chapters.get('README')?.next.map((rule) => rule.goto);
    expect(next('Next: [Install](b.md)')).toEqual(['b']);
    expect(next('Continue with [the install](./b.md#top).')).toEqual(['b']);
    expect(next('[Install →](b.md)')).toEqual(['b']);
    expect(next('[Install](b.md)')).toEqual(['b']);
    expect(next('Questions? Read [the FAQ](b.md).')).toEqual([]);
    expect(next('See [the docs](https://example.com/b.md), then continue.')).toEqual([]);
  });

  test('links that leave the folder, or point at files that are not pages, are not chapters', () => {
    const { journey } = infer({ 'README.md': '# A\n\nNext: [up](../other.md)\n', 'img.png.md': '' });
    expect(journey.chapters.get('README')?.next).toEqual([]);
  });

  test('a page with front matter is read as a chapter file', () => {
    const { journey, problems } = infer({
      'README.md': '# A\n\nNext: [B](b.md)\n',
      'b.md': '---\ntitle: Bee\n---\n\n```sh\necho b\n```\n',
    });
    expect(problems).toEqual([]);
    expect(journey.chapters.get('b')?.title).toBe('Bee');
  });
});

describe('entry points: parts that each start on their own', () => {
  const part = (title: string, next = '') => `# ${title}\n\n\`\`\`sh\necho ${title.length}\n\`\`\`\n${next ? `\nNext: ${next}\n` : ''}`;

  test('links marked "start here" on the start page are offered as its first choice, even in the middle of the page', () => {
    const { journey, problems, lines } = infer({
      'README.md': '# Workshop\n\n- [Part 1: Build](one/README.md) — start here if Hero is new to you.\n- [Part 2: Ship](two/README.md): start here if Hero is built.\n\n## Before you begin\n\nText and a [FAQ](faq.md).\n',
      'one/README.md': part('Build', '[Ship it](../two/README.md)'),
      'two/README.md': part('Ship'),
      'faq.md': '# FAQ\n',
    });
    expect(problems).toEqual([]);
    expect(journey.chapters.get('README')?.choices).toEqual([
      { id: 'one', label: 'Part 1: Build', goto: 'one', summary: 'start here if Hero is new to you.', loc: { file: 'README.md', line: 3 } },
      { id: 'two', label: 'Part 2: Ship', goto: 'two', summary: 'start here if Hero is built.', loc: { file: 'README.md', line: 4 } },
    ]);
    expect(lines).toContain('README.md:3 inferred: entry points: the tutorial has parts that each start on their own ("Part 1: Build" → one, from README.md:3; "Part 2: Ship" → two, from README.md:4): offered as the first choice, and `play --from two` starts at one');
    expect(lines.some((line) => line.startsWith('README.md:3 undecided: a list of 2 links'))).toBe(false);
    expect([...journey.chapters.keys()]).toEqual(['README', 'one', 'two']);
  });

  test('top-level folders numbered as parts are entry points, linked or not, unless another part leads to them', () => {
    const { journey, problems } = infer({
      'README.md': '# Labs\n\nThree labs. Begin with [the first](01-setup/).\n',
      '01-setup/README.md': part('Setup', '[Lab 2](../02-deploy/README.md)'),
      '02-deploy/README.md': part('Deploy'),
      '03-observe/README.md': part('Observe'),
      'docs/README.md': '# Docs\n',
    });
    expect(problems).toEqual([]);
    // 02-deploy is where 01-setup continues: a continuation, not a start.
    expect(journey.chapters.get('README')?.choices.map((choice) => [choice.label, choice.goto])).toEqual([
      ['the first', '01-setup'],
      ['Observe', '03-observe'],
    ]);
    expect(journey.chapters.get('README')?.next).toEqual([]);
    expect([...journey.chapters.keys()].sort()).toEqual(['01-setup', '02-deploy', '03-observe', 'README']);
  });

  test('one entry point, or parts the start page offers already, change nothing', () => {
    const single = infer({ 'README.md': '# T\n\n[Part 1](one/README.md) — start here.\n\nNext: [Part 1](one/README.md)\n', 'one/README.md': part('One') });
    expect(single.journey.chapters.get('README')).toMatchObject({ choices: [], next: [{ goto: 'one' }] });
    const offered = infer({ 'README.md': '# T\n\nPick one:\n\n- [Part 1](part-1/README.md) — start here\n- [Part 2](part-2/README.md) — start here\n', 'part-1/README.md': part('One'), 'part-2/README.md': part('Two') });
    expect(offered.journey.chapters.get('README')?.choices.map((choice) => choice.goto)).toEqual(['part-1', 'part-2']);
    expect(offered.lines.some((line) => line.includes('entry points'))).toBe(false);
  });

  test('folders that are not numbered parts are not entry points', () => {
    const { journey } = infer({ 'README.md': '# T\n', 'helm/README.md': part('Helm'), 'kustomize/README.md': part('Kustomize'), 'partners/README.md': part('Partners') });
    expect([...journey.chapters.keys()]).toEqual(['README']);
  });
});

describe('steps as a reader means them', () => {
  const steps = (body: string) => splitChapterBody(body, { file: 'README.md', startLine: 1 }, { plain: true }).steps;

  test('sh, bash, shell and console run; text, yaml and untagged blocks never do', () => {
    const found = steps('```sh\na\n```\n\n```bash\nb\n```\n\n```shell\nc\n```\n\n```console\n$ d\n```\n\n```text\ne\n```\n\n```yaml\nf: 1\n```\n\n```\ng\n```\n');
    expect(found.map((step) => step.code)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('in transcripts only the lines after a `$ ` prompt run, with their continuation lines; the output is shown as text', () => {
    const body = '```console\n$ kubectl get pods \\\n    -A\nNAME READY\n$ echo hi\nhi\n```\n';
    const split = splitChapterBody(body, { file: 'README.md', startLine: 1 }, { plain: true });
    expect(split.steps.map((step) => step.code)).toEqual(['kubectl get pods \\\n    -A\necho hi']);
    expect(split.segments.at(-1)).toEqual({ kind: 'markdown', text: '```text\nNAME READY\nhi\n```' });
    expect(steps('```bash\n$ ls\nfile\n```\n').map((step) => step.code)).toEqual(['ls']);
    expect(steps('```console\nonly output\n```\n')).toEqual([]);
    expect(readTranscript('$ a\nout\n$ b')).toEqual({ commands: ['a', 'b'], output: ['out'] });
  });

  test('outside plain mode, console blocks stay prose and unknown attributes stay errors', () => {
    expect(splitChapterBody('```console\n$ a\n```\n', { file: 'x.md', startLine: 1 }).steps).toEqual([]);
    const plain = splitChapterBody('```sh {name=build}\na\n```\n', { file: 'x.md', startLine: 1 }, { plain: true });
    expect(plain.problems.every((problem) => problem.severity === 'warning')).toBe(true);
  });

  test('placeholders become inputs and the code reads the variable', () => {
    expect(placeholderInputs({ code: 'export PROJECT_ID=[your-project-id]' })).toMatchObject([{ name: 'PROJECT_ID', code: 'export PROJECT_ID="${PROJECT_ID}"' }]);
    expect(placeholderInputs({ code: 'curl https://<your-domain>/ -H "Authorization: YOUR_TOKEN"' })).toMatchObject([
      { name: 'DOMAIN', placeholder: '<your-domain>' },
      { name: 'TOKEN', placeholder: 'YOUR_TOKEN', code: 'curl https://"${DOMAIN}"/ -H "Authorization: ${TOKEN}"' },
    ]);
    expect(placeholderInputs({ code: 'export NAME=<your-name>' })).toMatchObject([{ name: 'NAME', code: 'export NAME="${NAME}"' }]);
    expect(placeholderInputs({ code: 'kubectl create ns <NAMESPACE_NAME>' })).toMatchObject([{ name: 'NAMESPACE_NAME' }]);
    // A flag's key=<value> is named by the placeholder, not by the key.
    expect(placeholderInputs({ code: 'kubectl create secret generic db --from-literal=password=<your-password>' })).toMatchObject([
      { name: 'PASSWORD', code: 'kubectl create secret generic db --from-literal=password="${PASSWORD}"' },
    ]);
    expect(placeholderInputs({ code: 'kubectl get pods -o=jsonpath=[x]' })).toEqual([]);
    expect(placeholderInputs({ code: 'cd app\nREGION=[your-region]' })).toMatchObject([{ name: 'REGION', code: 'cd app\nREGION="${REGION}"' }]);
    // Redirections, HTML and heredocs are no placeholders.
    expect(placeholderInputs({ code: 'sort <in.txt >out.txt\necho "<html>"\ncat <<EOF\nx\nEOF' })).toEqual([]);
  });

  test('a placeholder used in two chapters is one input, asked once; secrets by name', () => {
    const { journey, lines } = infer({
      'README.md': '# A\n\n```sh\ncurl -H "X: YOUR_API_TOKEN" <your-domain>\n```\n\nNext: [B](b.md)\n',
      'b.md': '# B\n\n```sh\necho <your-domain>\n```\n',
    });
    const inputs = [...journey.chapters.values()].flatMap((chapter) => chapter.inputs.map((input) => [chapter.id, input.name, input.secret]));
    expect(inputs).toEqual([['README', 'DOMAIN', false], ['README', 'API_TOKEN', true], ['b', 'DOMAIN', false]]);
    expect(lines).toContain('README.md:3 inferred: input `DOMAIN` for the placeholder `<your-domain>`; it is asked once and remembered');
  });

  test('plain assignments count as what a step sets, for later steps and lint', () => {
    expect(assignedNames('NAME=hero\nexport TAG=1\n  X=y cmd\necho A=b')).toEqual(['NAME', 'TAG', 'X']);
    const { journey } = infer({ 'README.md': '# A\n\n```sh\nNAME=hero\n```\n' });
    expect(journey.chapters.get('README')?.steps[0]?.exports).toEqual(['NAME']);
  });
});

describe('sections for some readers only', () => {
  test('the words that limit a section: only if, skip this if, not needed if, (X only)', () => {
    expect(readCondition('## Create the role (only if you use EKS)')).toMatchObject({ subject: 'EKS', verb: 'use', applies: true });
    expect(readCondition('Skip this section if you chose nip.io.')).toMatchObject({ subject: 'nip.io', verb: 'chose', applies: false });
    expect(readCondition('> **Note:** only needed if you are using a private registry, then log in.')).toMatchObject({ subject: 'private registry', verb: 'use', applies: true });
    expect(readCondition('This is not needed when you run kind')).toMatchObject({ subject: 'kind', verb: 'run', applies: false });
    expect(readCondition('### Load balancer (GKE only)')).toMatchObject({ subject: 'GKE', applies: true });
    expect(readCondition('You can only see it if you look closely at it.')).toBeUndefined();
    expect(readCondition('Deploy the app.')).toBeUndefined();
    expect(conditionInput({ subject: 'nip.io', verb: 'chose' })).toEqual({ name: 'USING_NIP_IO', prompt: 'Did you choose nip.io? (yes or no)' });
    expect(conditionInput({ subject: 'EKS', verb: 'use' })).toEqual({ name: 'USING_EKS', prompt: 'Do you use EKS? (yes or no)' });
  });

  test('a heading limits its steps up to the next heading of its level; a sentence, up to the next heading', () => {
    const { journey, problems, lines } = infer({
      'README.md': [
        '# Setup', '', '```sh', 'echo all', '```', '',
        '## IAM (only if you use EKS)', '', '```sh', 'echo eks', '```', '', '### Its policy', '', '```sh', 'echo policy', '```', '',
        '## DNS', '', 'Skip this if you chose nip.io.', '', '```sh', 'echo dns', '```', '',
        '## Done', '', '```sh', 'echo done', '```', '', 'Next: [B](b.md)', '',
      ].join('\n'),
      'b.md': '# B\n\nOnly if you use EKS:\n\n```sh\necho eks again\n```\n',
    });
    expect(problems).toEqual([]);
    const readme = journey.chapters.get('README')!;
    expect(readme.steps.map((step) => step.when?.source)).toEqual([undefined, "vars.USING_EKS == 'yes'", "vars.USING_EKS == 'yes'", "vars.USING_NIP_IO != 'yes'", undefined]);
    expect(readme.steps[3]?.when?.because).toBe('the page says "Skip this if you chose nip.io", and you answered yes');
    expect(readme.inputs.map(({ name, prompt, validate }) => ({ name, prompt, validate }))).toEqual([
      { name: 'USING_EKS', prompt: 'Do you use EKS? (yes or no)', validate: 'regex:yes|no' },
      { name: 'USING_NIP_IO', prompt: 'Did you choose nip.io? (yes or no)', validate: 'regex:yes|no' },
    ]);
    // The same question on another page is the same input: asked once, remembered.
    expect(journey.chapters.get('b')?.inputs.map((input) => input.name)).toEqual(['USING_EKS']);
    expect(lines).toContain('README.md:7 inferred: condition "only if you use EKS": input `USING_EKS` (Do you use EKS? (yes or no)) is asked once and remembered; steps of this section run only when it is yes');
    expect(lines).toContain("README.md:23 inferred: step 4 runs only when `vars.USING_NIP_IO != 'yes'` (the section \"Skip this if you chose nip.io\" on line 21)");
  });
});

describe('Runme fence attributes', () => {
  const split = (body: string) => splitChapterBody(body, { file: 'README.md', startLine: 1 }, { plain: true });

  test('name is the step id and excludeFromRunAll makes it optional, in both forms; display attributes are quiet', () => {
    const found = split('```sh {name=build excludeFromRunAll=true interactive=false}\nmake\n```\n\n```bash {"name":"deploy app","excludeFromRunAll":false,"closeTerminalOnSuccess":true}\nkubectl apply -f .\n```\n');
    expect(found.steps.map(({ id, optional, code }) => ({ id, optional, code }))).toEqual([
      { id: 'build', optional: true, code: 'make' },
      { id: 'deploy-app', optional: false, code: 'kubectl apply -f .' },
    ]);
    expect(found.problems).toEqual([]);
  });

  test('attributes with no meaning here are warnings, never errors; background says what happens instead', () => {
    const found = split('```sh {name=serve background=true cwd=app}\npython -m http.server\n```\n');
    expect(found.steps).toHaveLength(1);
    expect(found.problems.map((problem) => [problem.severity, problem.message])).toEqual([
      ['warning', expect.stringContaining('`background=true`')],
      ['warning', 'Runme attribute `cwd` has no meaning here and is ignored (understood: name, excludeFromRunAll)'],
    ]);
  });
});

describe('documentation-site front matter', () => {
  test('keys of a documentation site are warnings, and the page still reads as a chapter, titled by its heading', () => {
    const { journey, problems } = infer({
      'README.md': '# Start\n\nNext: [Install](docs/install.md)\n',
      'docs/install.md': '---\nsidebar_position: 2\nauthors:\n  - ada\n  - grace\nslug: /install\n---\n\n# Install Hero\n\n```sh\necho install\n```\n',
    });
    expect(problems.map((problem) => `${problem.loc.file}:${problem.loc.line} ${problem.severity}: ${problem.message}`)).toEqual([
      'docs/install.md:2 warning: `sidebar_position` is not a hero-journey key (a documentation site\'s, perhaps): ignored in a plain tutorial',
      'docs/install.md:3 warning: `authors` is not a hero-journey key (a documentation site\'s, perhaps): ignored in a plain tutorial',
      'docs/install.md:6 warning: `slug` is not a hero-journey key (a documentation site\'s, perhaps): ignored in a plain tutorial',
    ]);
    const install = journey.chapters.get('docs/install')!;
    expect(install.title).toBe('Install Hero');
    expect(install.steps.map((step) => [step.code, step.loc.line])).toEqual([['echo install', 11]]);
  });

  test('a title in the front matter wins, and the page is still read as a reader means it', () => {
    const { journey, problems, lines } = infer({ 'README.md': '---\ntags: [k8s]\ntitle: Welcome\n---\n\n# Heading\n\n```console\n$ echo hi\nhi\n```\n' });
    expect(problems.map((problem) => problem.severity)).toEqual(['warning']);
    expect(journey.title).toBe('Welcome');
    expect(lines).toContain('README.md:3 inferred: chapter title "Welcome" from the front matter');
    expect(journey.chapters.get('README')?.steps.map((step) => [step.code, step.loc.line])).toEqual([['echo hi', 8]]);
  });

  test('a page with hero-journey keys besides title is a chapter file, its site keys dropped with a warning', () => {
    const { journey, problems } = infer({ 'README.md': '---\ntitle: Start\nweight: 3\nnext: b\n---\n\nGo.\n', 'b.md': '# B\n' });
    expect(problems.map((problem) => `${problem.loc.line} ${problem.severity}`)).toEqual(['3 warning']);
    expect(journey.chapters.get('README')?.next.map((rule) => rule.goto)).toEqual(['b']);
  });
});
