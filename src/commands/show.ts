import { watch } from 'node:fs';
import type { CliOptions } from '../cli/parse.ts';
import { ExitCode, PromptInterrupted, UserError } from '../errors.ts';
import { pagerWanted, terminalPager } from '../pager.ts';
import { renderChapterPage } from '../play/page.ts';
import { renderCallout, renderStatusLine } from '../render/chapter.ts';
import type { CommandIO } from './io.ts';
import { findChapter, journeyDir, openSession } from './session.ts';
import { terminalFor } from './terminal.ts';

/** `hero-journey show [CHAPTER]`: a chapter as a page, nothing run; --watch redraws it as its files change. */
export async function run(options: CliOptions, io: CommandIO): Promise<number> {
  if (!options.watch) {
    const text = await page(options, io);
    if (await readInPager(text, options, io)) io.stdout.write(text);
    return ExitCode.ok;
  }
  return watchPage(options, io);
}

/**
 * In a terminal, a page taller than the screen is shown a screen at a time first (unless turned
 * off, as for play). False when the reader stopped with Ctrl-C: nothing more is written.
 */
async function readInPager(text: string, options: CliOptions, io: CommandIO): Promise<boolean> {
  if (!options.pager || !pagerWanted(io.env) || !io.stdin.isTTY || !io.stdout.isTTY) return true;
  const terminal = terminalFor(options, io);
  try {
    await terminalPager({ input: io.stdin, output: io.stdout, color: terminal.color, unicode: terminal.unicode, then: 'leave' })(text);
    return true;
  } catch (error) {
    if (error instanceof PromptInterrupted) return false;
    throw error;
  }
}

async function page(options: CliOptions, io: CommandIO): Promise<string> {
  const session = await openSession({ ...options, dryRun: true }, io);
  const { journey, progress } = session;
  const chapter = findChapter(journey, options.args[0] ?? progress.current ?? journey.start, io.cwd, 'show');
  // A learner who has not started yet still has the journey's defaults: conditions on those are decided.
  return renderChapterPage(journey, chapter, progress, terminalFor(options, io));
}

/** Redraw the page whenever a file of the journey changes, until Ctrl-C; a broken file shows its error and the watch goes on. */
async function watchPage(options: CliOptions, io: CommandIO): Promise<number> {
  const dir = journeyDir(options, io);
  const clear = io.stdout.isTTY ? '\u001b[2J\u001b[3J\u001b[H' : '';
  const draw = async () => {
    let text: string;
    try {
      text = await page(options, io);
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      text = renderCallout('error', 'This chapter cannot be shown', `${error.message}${error.hint ? `\n\n${error.hint}` : ''}`, terminalFor(options, io));
    }
    const footer = renderStatusLine('info', `Watching ${dir} for changes. Ctrl-C to stop.`, terminalFor(options, io));
    io.stdout.write(`${clear}${text}${footer}`);
  };
  await draw();
  return new Promise<number>((resolvePromise, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let drawing = Promise.resolve();
    // Editors save in bursts (temp file, rename, chmod): one redraw per burst.
    const redraw = () => {
      clearTimeout(timer);
      timer = setTimeout(() => (drawing = drawing.then(draw).catch(reject)), 100);
    };
    const watcher = watch(dir, { recursive: true }, redraw);
    // A resized terminal gets the page wrapped to its new width.
    io.stdout.on('resize', redraw);
    watcher.on('error', (error) => reject(new UserError(`cannot watch ${dir}: ${error.message}`)));
    const stop = () => {
      clearTimeout(timer);
      watcher.close();
      io.stdout.off('resize', redraw);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolvePromise(ExitCode.ok);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
