import { commands, exitCodes, options, type CommandName } from './options.ts';

/** The text of `hero-journey --help`, or of `hero-journey <command> --help`. */
export function helpText(command?: CommandName): string {
  const spec = command ? commands.find((c) => c.name === command) : undefined;
  if (spec) {
    const flags = options.filter((o) => !o.commands || o.commands.includes(spec.name));
    return [
      `Usage: ${spec.usage}`,
      '',
      `${capitalise(spec.summary)}.`,
      '',
      wrap(spec.details, 80),
      '',
      'Options:',
      ...flagLines(flags),
      '',
      'Examples:',
      ...spec.examples.map((e) => `  ${e}`),
      '',
    ].join('\n');
  }
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'hero-journey: choose-your-own-adventure Kubernetes tutorials in your terminal.',
    'Follow Hero, an application on its way from source code to production.',
    '',
    'Usage: hero-journey [command] [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    ...flagLines(options),
    '',
    'Environment:',
    '  KUBECONFIG        kubeconfig files for steps and checks (a list, as kubectl reads it)',
    '  HERO_JOURNEY_TRUST_CHECKS=1  run a journey\'s check modules without asking (like --trust)',
    '  XDG_STATE_HOME    where progress is saved (default ~/.local/state/hero-journey)',
    '  XDG_CONFIG_HOME   where config.yaml is read (`sync: false`, `attendee: NAME`; default ~/.config/hero-journey)',
    '  HERO_JOURNEY_SYNC=0  do not mirror progress into the cluster (like --no-sync)',
    '  HERO_JOURNEY_PAGER=0  show chapter text whole instead of a screen at a time (like --no-pager; so does PAGER=cat)',
    '  NO_COLOR          set to turn colours off; FORCE_COLOR=1 forces them on',
    '',
    'Exit codes:',
    ...exitCodes.map(([code, meaning]) => `  ${String(code).padEnd(4)}${meaning}`),
    '',
    'Run "hero-journey <command> --help" for a command\'s own options and examples.',
    '',
  ].join('\n');
}

function flagLines(list: typeof options): string[] {
  const labels = list.map((o) => {
    const name = o.short ? `-${o.short}, --${o.name}` : `    --${o.name}`;
    return o.value ? `${name} ${o.value}` : name;
  });
  const width = Math.max(...labels.map((l) => l.length));
  return list.map((o, i) => `  ${labels[i]!.padEnd(width)}  ${o.description}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function wrap(text: string, width: number): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.join('\n');
}
