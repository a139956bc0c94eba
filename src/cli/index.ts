import { version } from '../version.ts';
import { PromptInterrupted, UserError, ExitCode } from '../errors.ts';
import type { CommandIO } from '../commands/io.ts';
import type { CliOptions } from './parse.ts';

/**
 * Run hero-journey with argv (without node and script). The only place that sets the exit code;
 * the parser, the help text and the commands are imported on demand so `--version` and `--help` stay fast.
 */
export async function main(argv: string[], io?: CommandIO): Promise<number> {
  const [{ rememberInvocation }, streams] = await Promise.all([import('./invocation.ts'), io ?? processIO()]);
  rememberInvocation(streams.env, process.argv[1], streams.cwd);
  const code = await runCli(argv, streams);
  process.exitCode = code;
  return code;
}

/** `hero-journey --version` (or `-v`) and nothing else. */
function versionOnly(argv: string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v');
}

/** Parse, dispatch and turn errors into messages and exit codes, without touching process.exitCode. */
export async function runCli(argv: string[], io: CommandIO): Promise<number> {
  try {
    // The version alone is what scripts and bug reports ask for: it needs no parser.
    if (versionOnly(argv)) return printVersion(io.stdout);
    const { parseCli } = await import('./parse.ts');
    const options = parseCli(argv);
    if (options.version) return printVersion(io.stdout);
    if (options.help) {
      const { helpText } = await import('./help.ts');
      io.stdout.write(helpText(argv.some((a) => a === options.command) ? options.command : undefined));
      return ExitCode.ok;
    }
    const resolved = options.journey !== undefined || options.args[0] !== undefined ? await (await import('../commands/source.ts')).resolveJourneySource(options, io) : options;
    if (!resolved) return ExitCode.ok;
    return await dispatch(resolved, io);
  } catch (error) {
    return await reportError(error, io);
  }
}

function printVersion(stdout: { write(text: string): unknown }): number {
  stdout.write(`${version()}\n`);
  return ExitCode.ok;
}

async function dispatch(options: CliOptions, io: CommandIO): Promise<number> {
  switch (options.command) {
    case 'play':
      if (options.trust) (await import('../checks/trust.ts')).trustChecksForThisRun();
      return (await import('../commands/play.ts')).run(options, io);
    case 'status':
      return (await import('../commands/status.ts')).run(options, io);
    case 'map':
      return (await import('../commands/map.ts')).run(options, io);
    case 'show':
      return (await import('../commands/show.ts')).run(options, io);
    case 'back':
      return (await import('../commands/back.ts')).run(options, io);
    case 'reset':
      return (await import('../commands/reset.ts')).run(options, io);
    case 'check':
      if (options.trust) (await import('../checks/trust.ts')).trustChecksForThisRun();
      return (await import('../commands/check.ts')).run(options, io);
    case 'doctor':
      return (await import('../commands/doctor.ts')).run(options, io);
    case 'verify':
      if (options.trust) (await import('../checks/trust.ts')).trustChecksForThisRun();
      return (await import('../commands/verify.ts')).run(options, io);
    case 'classroom':
      if (options.trust) (await import('../checks/trust.ts')).trustChecksForThisRun();
      return (await import('../commands/classroom.ts')).run(options, io);
    case 'init':
      return (await import('../commands/init.ts')).run({ ...(options.args[0] !== undefined ? { dir: options.args[0] } : {}), force: options.force }, io);
    case 'new':
      return (await import('../commands/new.ts')).run({ ...(options.args[0] !== undefined ? { dir: options.args[0] } : {}), force: options.force }, io);
    case 'convert':
      return (await import('../commands/convert.ts')).run(
        { ...(options.args[0] !== undefined ? { dir: options.args[0] } : {}), ...(options.out !== undefined ? { out: options.out } : {}), force: options.force, json: options.json },
        io,
      );
    case 'lint':
      return (await import('../commands/lint.ts')).run({
        dir: options.args[0] ?? options.journey ?? (await import('../commands/session.ts')).bundledJourneyDir(),
        json: options.json,
        stdout: io.stdout,
      });
  }
}

async function reportError(error: unknown, io: CommandIO): Promise<number> {
  const [{ sanitize }, { commandLine }] = await Promise.all([import('../render/sanitize.ts'), import('./invocation.ts')]);
  if (error instanceof UserError) {
    // Messages carry outside text (file names, chapter ids, values): never raw to the terminal.
    io.stderr.write(`hero-journey: ${sanitize(error.message)}\n`);
    if (error.hint) io.stderr.write(`  ${sanitize(error.hint)}\n`);
    return error.exitCode;
  }
  if (error instanceof PromptInterrupted || (error instanceof Error && error.name === 'ExitPromptError')) {
    // Ctrl-C at a prompt is a normal way out; progress was saved before the prompt.
    io.stderr.write(`\nStopped. Your progress is saved: run ${commandLine()} again to continue.\n`);
    return ExitCode.ok;
  }
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(
    `hero-journey ${version()} hit a bug (this is not your fault):\n${stack}\n` +
      'Please report it with the output above and the command you ran. Your saved progress is untouched.\n',
  );
  return ExitCode.failure;
}

/** `hero-journey map | head` closes the pipe early: stop writing quietly instead of crashing. */
function quietOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stream.destroy();
    });
  }
}

async function processIO(): Promise<CommandIO> {
  quietOnClosedPipe();
  const { guardStream } = await import('../render/guard.ts');
  // Nothing reaches the terminal unguarded: a path that forgot to sanitise outside text cannot take it over.
  const stdout = guardStream(process.stdout);
  const stderr = guardStream(process.stderr);
  return { cwd: process.cwd(), env: process.env, stdin: process.stdin, stdout, stderr };
}
