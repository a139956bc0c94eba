/** The one table of commands and flags: it feeds the parser, `--help` and the README. */

export type CommandName = 'play' | 'status' | 'map' | 'show' | 'new' | 'back' | 'reset' | 'lint' | 'convert' | 'init' | 'check' | 'doctor' | 'verify' | 'classroom';

export interface CommandSpec {
  name: CommandName;
  usage: string;
  summary: string;
  /** Longer help, shown by `hero-journey <command> --help`. */
  details: string;
  examples: string[];
}

export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  multiple?: boolean;
  /** Placeholder for the value in help, e.g. `DIR`. */
  value?: string;
  description: string;
  /** Commands the flag applies to; absent means every command. */
  commands?: CommandName[];
}

export const commands: CommandSpec[] = [
  {
    name: 'play',
    usage: 'hero-journey [play] [options]',
    summary: 'play the journey, or resume it where you stopped (the default command)',
    details:
      'Shows each chapter, runs its steps when you say so, proves the result with the chapter checks, and lets you pick the next branch. Progress is saved after every step, so Ctrl-C or closing the terminal loses nothing: run hero-journey again to continue. With --vote the audience decides each choice point (a web page for phones, the join URL and a QR code in your terminal, live counts; Enter closes a vote, + extends it, a number overrules); --follow URL makes an attendee\'s play take the room\'s choices. Without a terminal (a pipe, CI) or with --json it never prompts, and runs steps only with --yes (or shows them with --dry-run); with --json it prints what happens as one JSON object per line (chapter, chapter-skipped, input, step, checks, choice, poll-open, poll-update, poll-closed, dead-end, end or stopped; secret values never) and writes the pages to standard error: for testing a journey\'s paths in CI. In a terminal, chapter text taller than the screen is shown a page at a time (Space next page, b back, q or Esc to the steps, ? keys; --no-pager turns it off), and g at a step lists the chapter\'s steps with what became of each, to run an earlier one again or go ahead to a later one. v at any menu sets a variable, as does typing :set NAME=value at a question. Coming back to a chapter left in the middle shows a recap instead of its text again; t at the step shows the text in full.',
    examples: [
      'hero-journey                                   resume the bundled Hero journey here',
      'hero-journey --workspace ~/hero                 play in another folder (separate progress)',
      'hero-journey --yes --choose build-image=kbld    play without prompts, choices from flags',
      'hero-journey --dry-run                          show every step without running any',
      'hero-journey --from production                  jump in at a later chapter (asks what the skipped ones would have)',
      'hero-journey --dry-run --json --choose build-image=kbld ...   the path as JSON events, for an author\'s CI',
      'hero-journey --vote --vote-host 0.0.0.0        presenter: the audience votes at each choice point',
      'hero-journey --follow http://10.0.0.5:4000/    attendee: take the room\'s choices',
    ],
  },
  {
    name: 'status',
    usage: 'hero-journey status [options]',
    summary: 'show where you are: current chapter, choices made, variables, steps done',
    details: 'Secret inputs are shown as ••••••. With --json, prints the saved progress (secrets masked) for scripts.',
    examples: ['hero-journey status', 'hero-journey status --json'],
  },
  {
    name: 'map',
    usage: 'hero-journey map [options]',
    summary: 'draw the journey: phases, choice points and options, with your path marked',
    details:
      'Marks the path you took, the chapter you are on, and the chapters or options your earlier choices skip or disable. --format mermaid prints a Mermaid flowchart (renders on GitHub); --json prints the journey model.',
    examples: ['hero-journey map', 'hero-journey map --format mermaid > journey.mmd', 'hero-journey map --json'],
  },
  {
    name: 'show',
    usage: 'hero-journey show [CHAPTER] [options]',
    summary: 'read a chapter without running anything: the current one, or CHAPTER (an id or its .md file)',
    details:
      'Prints the chapter as play shows it, plus what play would do around it: the inputs it asks for, each step\'s card (and when it is skipped on your path), the checks that must pass, and the choice or the chapter that comes next. Nothing runs and nothing is saved. In a terminal, a page taller than the screen is shown a screen at a time first (Space, b, q; --no-pager turns it off). For authors, --watch redraws the page every time a file of the journey changes, and shows the error instead while a file is broken.',
    examples: [
      'hero-journey show                                       the chapter you are on',
      'hero-journey show https                                 read ahead',
      'hero-journey show --journey ./my-journey intro --watch  preview while you write',
      'hero-journey show ./my-journey/db/README.md --journey ./my-journey',
    ],
  },
  {
    name: 'back',
    usage: 'hero-journey back [options]',
    summary: 'undo your last choice and return to that choice point',
    details: 'Steps you already ran stay done; only the choice is forgotten, so you can pick another option.',
    examples: ['hero-journey back'],
  },
  {
    name: 'reset',
    usage: 'hero-journey reset [options]',
    summary: 'forget all progress of this journey in this workspace (asks first)',
    details: 'Does not touch your cluster or files. Use --yes to skip the question.',
    examples: ['hero-journey reset', 'hero-journey reset --yes'],
  },
  {
    name: 'check',
    usage: 'hero-journey check [CHAPTER] [options]',
    summary: 'run the checks of the current chapter (or CHAPTER) against your cluster; exit 0 when they pass',
    details:
      'Proves that a chapter worked without playing it: runs its code checks and declarative asserts against the cluster of your kubeconfig (read-only), prints what was expected and what was found, and exits 0 when every check passes, 1 otherwise. --wait retries failing checks until their timeout, watching the cluster for changes. Checks that apply only on some paths run for the saved choices, or for those given with --choose/--set/--answers as play takes them (nothing is saved). Checks never change the cluster.',
    examples: [
      'hero-journey check                          the chapter you are on',
      'hero-journey check setup/cert-manager       a named chapter',
      'hero-journey check https --wait --json      wait for it, print the results as JSON',
      'hero-journey check define-app/helm --set APP_URL=http://hero.127.0.0.1.nip.io',
      'hero-journey check production/app/gitops --choose production/gitops=flux   the checks of a path not chosen here',
    ],
  },
  {
    name: 'doctor',
    usage: 'hero-journey doctor [options]',
    summary: 'find problems before the first step: tools, cluster, versions, permissions',
    details:
      'Checks the tools the journey needs (on your PATH, in the versions it asks for), that your cluster answers (which context and server), how far kubectl\'s version is from the server\'s, and whether you may do what the chapters do. Every problem comes with the exact fix. Exits 1 when something must be fixed first. Play runs the same probes while you read the first page of a new journey and shows any problem before the first step.',
    examples: ['hero-journey doctor', 'hero-journey doctor --context kind-hero', 'hero-journey doctor --json'],
  },
  {
    name: 'verify',
    usage: 'hero-journey verify [FILE|DIR|NAME=FILE ...] [options]',
    summary: 'instructor: verify every attendee\'s progress and checks across many clusters, live',
    details:
      'Each kubeconfig file is one attendee (named after the file, or NAME=FILE); a folder holds one file per attendee; --context picks contexts by name or pattern (each one attendee). For every attendee, at the same time (--concurrency) and within --timeout seconds each, reads the progress their hero-journey mirrors into their cluster and re-runs, read-only, the checks of every chapter on their path. A chapter passes only when the journey has it on their path (through their own choices) and its checks pass now; checks they skipped that fail now show as skipped. Shows a grid: attendees by chapters along their own path, the first failing reason beneath. --watch refreshes it in place; --serve shows it as a live web page on localhost, at an address with a secret token. Kubeconfigs that run programs (exec or auth-provider plugins) or name a token, certificate or key file outside their own folder are refused unless --allow-exec. Exits 0 when every attendee is passing so far (nothing failing, skipped or unchecked), or passed --until CHAPTER; 1 otherwise.',
    examples: [
      'hero-journey verify ./class/                         one kubeconfig per attendee in a folder',
      'hero-journey verify --context "attendee-*"            contexts of your kubeconfig',
      'hero-journey verify ./class/ --watch                 refresh the grid as clusters change',
      'hero-journey verify ./class/ --serve 8080            live dashboard on 127.0.0.1:8080 (open the address it prints)',
      'hero-journey verify ./class/ --until https --format junit > verify.xml',
    ],
  },
  {
    name: 'classroom',
    usage: 'hero-journey classroom rbac [options]',
    summary: 'instructor: print the read-only RBAC for verify and how attendees mint a kubeconfig for you',
    details:
      'classroom rbac prints (on standard output) a ServiceAccount, ClusterRole and bindings that may only get, list and watch what the journey\'s checks read, plus the progress ConfigMap; and (on standard error) the commands an attendee runs to apply it and hand you a kubeconfig with a time-limited token for it.',
    examples: ['hero-journey classroom rbac', 'hero-journey classroom rbac 2>/dev/null | kubectl apply -f -'],
  },
  {
    name: 'init',
    usage: 'hero-journey init [DIR] [options]',
    summary: "create Hero's workspace: the app's source and its definitions, for the bundled journey's steps",
    details:
      "Copies Hero's app (Go source, Dockerfile) and its definition for every option of the journey (Helm chart, Kustomize base and overlay, ytt templates, cdk8s project, database and schema files) into DIR (default: the current folder). Files that exist already are listed and left alone: nothing is written unless --force is given. Then run hero-journey in that folder.",
    examples: ['hero-journey init hero                 create ./hero, then: cd hero && hero-journey', 'hero-journey init                      into the current folder', 'hero-journey init hero --force         overwrite files the template also has'],
  },
  {
    name: 'new',
    usage: 'hero-journey new DIR [options]',
    summary: 'start writing a journey of your own: a folder that lints clean and plays, to change and grow',
    details:
      'Creates DIR with journey.yaml and a few chapters that use the main parts of the format: an input, steps that export variables, a choice point whose options lead to chapters, a dead end, a declarative check and a check module (TypeScript, run without a build). The journey id comes from the folder name. Files that exist already are listed and left alone unless --force. docs/journey-format.md in the hero-journey package describes every key.',
    examples: ['hero-journey new my-journey          then: hero-journey lint my-journey', 'hero-journey new ~/journeys/k8s-101 --force'],
  },
  {
    name: 'lint',
    usage: 'hero-journey lint [DIR] [options]',
    summary: 'validate a journey folder and report every problem at once, with file and line',
    details:
      'Checks journey.yaml and every chapter: front matter keys, ids in goto/next/skip-to, unreachable chapters, expressions that do not parse, check modules that do not exist. Then walks every path from the start: each must reach an ending or a dead end, and every variable a step, condition, input default or check uses must be set earlier on every path that reaches it. Steps go through ShellCheck when it is installed. A folder of plain Markdown without journey.yaml (a README.md with shell blocks and links) is read as a journey, and lint first lists what it inferred and what it could not decide, with file:line. Exits 1 when it finds an error.',
    examples: ['hero-journey lint ./my-journey', 'hero-journey lint --json', 'hero-journey lint ./some-tutorial   a plain Markdown tutorial: what is inferred'],
  },
  {
    name: 'convert',
    usage: 'hero-journey convert DIR [--out DIR2] [options]',
    summary: 'write a plain Markdown tutorial down as a journey, with everything inferred made explicit',
    details:
      'Reads the plain tutorial in DIR as play and lint do, then writes journey.yaml and front matter that say what was inferred: titles, choices (labels, summaries, where each goes), next, inputs for placeholders and for sections that apply only to some readers, and each step as an sh block with its when. Transcripts become the commands and a text block of their output; pages that are linked but are no chapter are listed under exclude. The root README.md moves to index.md (a journey\'s root README documents it and is never a chapter) and links to it follow. A Killercoda scenario (index.json) becomes a chapter per page named by its id (intro.md, step1.md, ..., finish.md), with next in index.json\'s order, {{exec}} commands as sh steps, {{copy}} markers dropped, and its background, foreground and verify scripts as steps you confirm (never checks); index.json and the old pages are removed from the copy. The converted journey lints clean and plays the same paths; grow it from there (checks, phases). Writes a copy into --out DIR2 (refused if DIR2 is not empty, unless --force); without --out it rewrites DIR itself, only with --force.',
    examples: [
      'hero-journey convert ./tutorial --out ./tutorial-journey    a converted copy; then: hero-journey lint ./tutorial-journey',
      'hero-journey convert ./tutorial --force                     rewrite the tutorial\'s own pages (commit them first)',
    ],
  },
];

export const options: OptionSpec[] = [
  {
    name: 'journey',
    type: 'string',
    value: 'DIR',
    description: 'play another journey folder, a folder of plain Markdown starting at README.md, a Killercoda scenario, or a journey from a Git repository (github:owner/repo/path#ref, git+https://host/repo.git#ref:path), an npm package (npm:@scope/name@1.2.3) or a tarball, fetched and pinned (default: the bundled Hero journey)',
    commands: ['play', 'status', 'map', 'show', 'back', 'reset', 'check', 'doctor', 'verify', 'classroom', 'lint'],
  },
  {
    name: 'workspace',
    short: 'w',
    type: 'string',
    value: 'DIR',
    description: 'the folder the steps run in, and whose progress is used (default: the current folder)',
    commands: ['play', 'status', 'map', 'show', 'back', 'reset', 'check'],
  },
  {
    name: 'kubeconfig',
    type: 'string',
    value: 'FILE',
    description: 'kubeconfig for steps and checks (default: $KUBECONFIG, then ~/.kube/config)',
    commands: ['play', 'check', 'doctor', 'verify'],
  },
  {
    name: 'context',
    type: 'string',
    multiple: true,
    value: 'NAME',
    description: 'kubeconfig context to use instead of the current one (verify: a name or pattern such as "attendee-*", repeatable)',
    commands: ['play', 'check', 'doctor', 'verify'],
  },
  {
    name: 'yes',
    short: 'y',
    type: 'boolean',
    description: 'never prompt: run steps, take defaults, answers from --choose/--set/--answers',
    commands: ['play', 'reset'],
  },
  {
    name: 'choose',
    type: 'string',
    multiple: true,
    value: 'CHAPTER=OPTION',
    description: 'answer a choice point without asking (repeatable); check: the path whose checks to run',
    commands: ['play', 'check'],
  },
  {
    name: 'from',
    type: 'string',
    value: 'CHAPTER',
    description: 'start (or move) at CHAPTER, such as the start of a season: asks only for the earlier answers the chapters from there on use',
    commands: ['play'],
  },
  { name: 'set', type: 'string', multiple: true, value: 'NAME=VALUE', description: 'set an input or variable without asking (repeatable)', commands: ['play', 'check'] },
  {
    name: 'answers',
    type: 'string',
    value: 'FILE',
    description: 'YAML or JSON file with `choices:` and `inputs:` maps',
    commands: ['play', 'check'],
  },
  { name: 'force', type: 'boolean', description: 'overwrite files that exist already (convert: write into a folder that is not empty, or rewrite the tutorial in place)', commands: ['init', 'new', 'convert'] },
  { name: 'out', type: 'string', value: 'DIR', description: 'the folder convert writes the journey into (a copy of the tutorial); default: the tutorial itself, with --force', commands: ['convert'] },
  { name: 'dry-run', type: 'boolean', description: 'show every step that would run, run none, save nothing', commands: ['play'] },
  {
    name: 'sync',
    type: 'boolean',
    description: 'mirror progress into your cluster for your instructor and other machines (default on; --no-sync, or `sync: false` in config.yaml, turns it off)',
    commands: ['play'],
  },
  {
    name: 'pager',
    type: 'boolean',
    description: 'show chapter text taller than the terminal a screen at a time (default on in a terminal; --no-pager, HERO_JOURNEY_PAGER=0 or PAGER=cat turn it off)',
    commands: ['play', 'show'],
  },
  {
    name: 'continue-from',
    type: 'string',
    value: 'DIR',
    description: 'offer the progress your cluster holds for another workspace of this machine, DIR (another machine\'s is offered without it)',
    commands: ['play'],
  },
  {
    name: 'trust',
    type: 'boolean',
    description: "run a journey's check modules (its code) without asking, and play a fetched journey (Git, npm, tarball) not played at this commit or version before; the bundled journey never asks",
    commands: ['play', 'check', 'verify', 'classroom'],
  },
  { name: 'wait', type: 'boolean', description: 'retry failing checks until their timeout, watching the cluster', commands: ['check'] },
  { name: 'json', type: 'boolean', description: 'print machine-readable JSON (play: one event per line, pages on stderr, never prompts)', commands: ['play', 'status', 'map', 'lint', 'convert', 'check', 'doctor', 'verify'] },
  {
    name: 'format',
    type: 'string',
    value: 'FORMAT',
    description: 'map: tree (default) or mermaid; verify: table (default), json, junit or html',
    commands: ['map', 'verify'],
  },
  { name: 'concurrency', type: 'string', value: 'N', description: 'attendees whose checks run at the same time (default 32); 8x as many clusters may be contacted at once', commands: ['verify'] },
  { name: 'timeout', type: 'string', value: 'SECONDS', description: 'time each attendee gets before it is shown as not answering (default 5)', commands: ['verify'] },
  { name: 'watch', type: 'boolean', description: 'verify: again and again, refreshing the grid in place; show: redraw the page when a journey file changes', commands: ['verify', 'show'] },
  {
    name: 'vote',
    type: 'string',
    value: '[PORT]',
    description: 'presenter: the audience votes at each choice point, on http://127.0.0.1:PORT/ (default: a free port)',
    commands: ['play'],
  },
  { name: 'vote-host', type: 'string', value: 'ADDR', description: 'address the vote listens on (default 127.0.0.1; 0.0.0.0 lets phones on your network vote)', commands: ['play'] },
  { name: 'vote-seconds', type: 'string', value: 'N', description: 'close each vote after N seconds (default: when you press Enter)', commands: ['play'] },
  { name: 'follow', type: 'string', value: 'URL', description: "attendee: at each choice point, take the room's vote from the presenter at URL", commands: ['play'] },
  { name: 'path', type: 'string', value: 'URL|FILE', description: "grade against the room's path: the presenter's vote address, or the path file it writes", commands: ['verify'] },
  { name: 'serve', type: 'string', value: '[PORT]', description: 'serve a live dashboard on 127.0.0.1:PORT (default 8080) at an address with a secret token, printed on start', commands: ['verify'] },
  { name: 'until', type: 'string', value: 'CHAPTER', description: 'exit 0 only when every attendee passed CHAPTER and every chapter before it', commands: ['verify'] },
  { name: 'allow-exec', type: 'boolean', description: 'accept attendee kubeconfigs that run programs (exec or auth-provider plugins) or read files outside their own folder on this machine', commands: ['verify'] },
  {
    name: 'progress-namespace',
    type: 'string',
    value: 'NS',
    description: 'namespace of the progress mirror (default hero-journey; @context: each context\'s own namespace)',
    commands: ['verify'],
  },
  { name: 'color', type: 'boolean', description: 'force colours on (also FORCE_COLOR=1); --no-color or NO_COLOR=1 turns them off' },
  { name: 'help', short: 'h', type: 'boolean', description: 'show help for hero-journey or a command' },
  { name: 'version', short: 'v', type: 'boolean', description: 'print the version' },
];

export const exitCodes: Array<[number, string]> = [
  [0, 'success, or you chose to stop (progress is saved)'],
  [1, 'something failed: a step, a check, a journey error, lint found errors, doctor found a problem, or verify found an attendee not passing'],
  [2, 'wrong usage: unknown command or flag, missing answer in non-interactive mode'],
  [130, 'interrupted with Ctrl-C while a step ran (progress is saved)'],
];
