/**
 * Lint rules for what steps run, each a class of mistake that works on the author's machine and
 * fails a learner later: a Helm chart without `--version` (the next release changes under them),
 * a network command without a time limit (an unreachable address hangs the step for minutes), and
 * a pipe into a reader that stops early (`| head`), whose writer then dies of SIGPIPE and, under
 * the `pipefail` every step runs with, fails the step, and an image built without `--platform`
 * (for the author's CPU, which the learner's cluster may not have). Pure: steps in, problems out.
 */

import type { Chapter, JourneyProblem, Step } from './model.ts';
import { splitCommands } from './shell.ts';

/** One finding within a step's code: 0-based line and what to say. */
export interface StepFinding {
  line: number;
  message: string;
}

/** Warnings for every step of the chapters, at the chapter file's own lines. */
export function stepProblems(chapters: Iterable<Chapter>): JourneyProblem[] {
  const problems: JourneyProblem[] = [];
  for (const chapter of chapters) {
    for (const step of chapter.steps) {
      for (const finding of lintStepCode(step.code)) {
        problems.push({
          // The step's first code line is the line after its opening fence.
          loc: { file: step.loc.file, line: step.loc.line + 1 + finding.line },
          message: `${finding.message} (step \`${stepName(step)}\`)`,
          severity: 'warning',
        });
      }
    }
  }
  return problems;
}

function stepName(step: Step): string {
  return step.title ?? step.id;
}

/** The findings of all rules in one step's bash code. */
export function lintStepCode(code: string): StepFinding[] {
  const findings: StepFinding[] = [];
  // A step that turns pipefail off has chosen how its pipes fail.
  const pipefail = !/set\s+\+o\s+pipefail/.test(code);
  visit(code, 0, pipefail, findings);
  return findings.sort((a, b) => a.line - b.line);
}

function visit(code: string, offset: number, pipefail: boolean, findings: StepFinding[]): void {
  const commands = splitCommands(code);
  commands.forEach((command, index) => {
    const line = offset + command.line;
    const words = commandWords(command.words);
    const helm = unpinnedChart(words);
    if (helm) findings.push({ line, message: helm });
    const network = unboundedNetworkCommand(words);
    if (network) findings.push({ line, message: network });
    const build = imageBuildWithoutPlatform(words);
    if (build) findings.push({ line, message: build });
    const next = commands[index + 1];
    if (pipefail && command.pipe && next) {
      const reader = earlyExitReader(commandWords(next.words));
      if (reader) {
        findings.push({
          line,
          message: `\`${words[0] ?? command.words[0]} ... | ${reader.shown}\` can fail with SIGPIPE: steps run with \`set -o pipefail\`, and ${reader.why}, so a writer that is still writing is killed and the step fails at random; ${reader.fix}`,
        });
      }
    }
    for (const substitution of command.substitutions) visit(substitution.code, offset + substitution.line, pipefail, findings);
  });
}

const commandPrefixes = new Set(['!', '{', '}', 'then', 'do', 'else', 'elif', 'if', 'while', 'until', 'time', 'command', 'builtin', 'exec', 'sudo', 'env', 'nohup']);

/** The command's words from the program name on: reserved words, `sudo`/`env` and leading `NAME=value` assignments dropped. */
function commandWords(words: string[]): string[] {
  let rest = words;
  while (rest.length > 0 && (commandPrefixes.has(rest[0]!) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!))) rest = rest.slice(1);
  // `then curl ...` after `if ...;` keeps its program at the front; a path such as /usr/bin/curl counts as curl.
  if (rest[0]?.includes('/') && !rest[0].startsWith('.')) rest = [rest[0].slice(rest[0].lastIndexOf('/') + 1), ...rest.slice(1)];
  return rest;
}

/** Whether `words` have the long option `--name` (alone or `--name=value`) or one of the short options. */
function hasOption(words: string[], long: string, short = ''): boolean {
  return words.some((word) => {
    if (word === `--${long}` || word.startsWith(`--${long}=`)) return true;
    // Short options may be grouped (`-sSm 10`) or carry their value (`-m10`).
    return short !== '' && /^-[A-Za-z]/.test(word) && !word.startsWith('--') && new RegExp(`^-[A-Za-z]*${short}`).test(word);
  });
}

// Flags of `helm install`/`helm upgrade` that take the next word as their value.
const helmValueFlags = new Set([
  '-n', '--namespace', '-f', '--values', '--set', '--set-string', '--set-file', '--set-json', '--set-literal', '--version',
  '--timeout', '--kube-context', '--kubeconfig', '--repo', '--username', '--password', '--post-renderer',
  '--post-renderer-args', '--description', '--ca-file', '--cert-file', '--key-file', '--keyring', '--history-max',
  '-o', '--output', '--registry-config', '--repository-cache', '--repository-config', '-l', '--labels', '--name-template',
  '--burst-limit', '--qps', '--kube-apiserver', '--kube-as-user', '--kube-as-group', '--kube-ca-file',
  '--kube-tls-server-name', '--kube-token', '--wait-for', '--hide-notes',
]);

/** A message when `words` are `helm install|upgrade` of a repository chart without `--version`. */
export function unpinnedChart(words: string[]): string | undefined {
  if (words[0] !== 'helm' || (words[1] !== 'install' && words[1] !== 'upgrade')) return undefined;
  const args = words.slice(2);
  if (hasOption(args, 'version')) return undefined;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      if (helmValueFlags.has(arg)) i++;
      continue;
    }
    positional.push(arg);
  }
  const generated = args.includes('--generate-name') || args.includes('-g');
  const chart = positional[generated ? 0 : 1];
  if (chart === undefined || !isRepositoryChart(chart)) return undefined;
  return `\`helm ${words[1]}\` of \`${chart}\` has no \`--version\`: the chart's next release installs instead, perhaps one that needs a newer Kubernetes; pin it, e.g. \`--version 1.2.3\` (helm search repo ${chart.replace(/^oci:\/\//, '')} --versions lists them)`;
}

/** A chart from a repository or registry, as opposed to a folder, a packaged file or an unknown variable. */
function isRepositoryChart(chart: string): boolean {
  if (chart.startsWith('$')) return false;
  if (/\.tgz$/.test(chart)) return false;
  if (chart.startsWith('oci://')) return !/(:[\w.-]+|@sha256:[0-9a-f]+)$/.test(chart.slice(chart.lastIndexOf('/')));
  if (/^(\.{1,2}\/|\/|~)/.test(chart) || chart === '.') return false;
  return /^[\w.-]+\/[\w.-]+$/.test(chart);
}

// kubectl's global flags that take the next word as their value (they may come before the verb).
const kubectlValueFlags = new Set(['-n', '--namespace', '--context', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--request-timeout', '--as', '--as-group']);

/** A message when `words` are a network command that may wait for ever (or longer than a learner would). */
export function unboundedNetworkCommand(words: string[]): string | undefined {
  const [program, ...args] = words;
  if (program === 'curl' && !hasOption(args, 'max-time', 'm')) {
    const connect = hasOption(args, 'connect-timeout');
    return `\`curl\` without \`--max-time\`${connect ? ' (`--connect-timeout` only limits the connection, not a server that accepts and never answers)' : ''}: against an unreachable or silent address it waits for minutes; add e.g. \`--connect-timeout 5 --max-time 20\``;
  }
  if (program === 'wget' && !hasOption(args, 'timeout', 'T')) {
    return '`wget` without `--timeout`: against an unreachable address it retries for minutes; add e.g. `--timeout=20 --tries=2`';
  }
  if (program === 'kubectl') {
    const verb = args.find((arg, i) => !arg.startsWith('-') && !kubectlValueFlags.has(args[i - 1] ?? ''));
    if (verb === 'wait' && !hasOption(args, 'timeout')) {
      return '`kubectl wait` without `--timeout` gives up after 30 seconds, too soon for most things a step waits for, and says nothing about how long it meant to wait; add e.g. `--timeout=5m`';
    }
    if (verb === 'rollout' && args.includes('status') && !hasOption(args, 'timeout')) {
      return '`kubectl rollout status` without `--timeout` waits for ever when the rollout is stuck; add e.g. `--timeout=5m`';
    }
    // Deleting a namespace waits for everything in it to go: a finalizer that never finishes hangs the step.
    const kind = args.slice(args.indexOf('delete') + 1).find((arg) => !arg.startsWith('-'));
    if (verb === 'delete' && /^(namespaces?|ns)(\/|$)/.test(kind ?? '') && !hasOption(args, 'timeout') && !args.includes('--wait=false')) {
      return '`kubectl delete namespace` without `--timeout` waits for ever when something in the namespace never finishes deleting (a stuck finalizer); add e.g. `--timeout=5m`';
    }
  }
  return undefined;
}

const containerClis = new Set(['docker', 'podman', 'nerdctl', 'nerdctl.lima', 'pack']);

/** A message when `words` build a container image without saying for which CPU. */
export function imageBuildWithoutPlatform(words: string[]): string | undefined {
  const [program, ...args] = words;
  if (!containerClis.has(program ?? '')) return undefined;
  const verbs = args.filter((arg) => !arg.startsWith('-')).slice(0, 2);
  const building = verbs[0] === 'build' || (verbs[0] === 'buildx' && verbs[1] === 'build') || (verbs[0] === 'image' && verbs[1] === 'build');
  if (!building || hasOption(args, 'platform')) return undefined;
  return `\`${program} ${verbs[0] === 'build' ? 'build' : `${verbs[0]} build`}\` without \`--platform\` builds for this machine's CPU, and an image for another CPU than the cluster's nodes fails only when it starts there (exec format error); add e.g. \`--platform "linux/$CLUSTER_ARCH"\` with the nodes' architecture (\`kubectl get nodes -o jsonpath='{.items[0].status.nodeInfo.architecture}'\`)`;
}

/** Readers that may exit before their input ends, with why and what to write instead. */
function earlyExitReader(words: string[]): { shown: string; why: string; fix: string } | undefined {
  const [program, ...args] = words;
  if (program === 'head') {
    return { shown: 'head', why: '`head` exits once it has its lines', fix: 'read all of the output instead, e.g. `| sed -n 1p` for `| head -n 1`' };
  }
  if (program === 'grep' && (hasOption(args, 'quiet', 'q') || hasOption(args, 'silent') || hasOption(args, 'max-count', 'm'))) {
    return { shown: 'grep -q', why: '`grep -q` (or `-m`) exits at the first match', fix: 'read all of the output instead, e.g. `| grep ... >/dev/null`' };
  }
  if (program === 'awk' && args.some((arg) => /\bexit\b/.test(arg))) {
    return { shown: "awk '...exit'", why: '`exit` in awk stops reading', fix: "select without exiting instead, e.g. `awk 'NR == 1 { print $1 }'`" };
  }
  // The `q` command, alone or after an address: `q`, `1q`, `$q`, `/x/q`, `...;q`, `{p;q}`.
  if (program === 'sed' && args.some((arg) => !arg.startsWith('-') && /(^|[;{\n])\s*(\d+|\$|\/[^/]*\/)?\s*[qQ](\s*\d+)?\s*($|[;}\n])/.test(arg))) {
    return { shown: "sed '...q'", why: '`q` in sed stops reading', fix: 'print without quitting instead, e.g. `sed -n 1p`' };
  }
  return undefined;
}
