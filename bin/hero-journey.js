#!/usr/bin/env node
// Checked before anything else loads, so an older Node.js gets a sentence instead of a SyntaxError.
const [major, minor] = process.versions.node.split('.').map(Number);
const args = process.argv.slice(2);
/** `hero-journey --help | head` closes the pipe early: stop writing quietly instead of crashing. */
const quietOnClosedPipe = () =>
  process.stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error;
    process.stdout.destroy();
  });
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `hero-journey: needs Node.js 22.18 or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      '  Install a current LTS release from https://nodejs.org, or borrow one from npm for this run:\n' +
      '    npx -p node@24 -p hero-journey hero-journey\n',
  );
  process.exitCode = 1;
} else if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // The version alone is what scripts and bug reports ask for: answered from package.json before any
  // other module loads (builtins through process.getBuiltinModule cost no module loading).
  const { readFileSync } = process.getBuiltinModule('node:fs');
  quietOnClosedPipe();
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  // Compiled code is kept beside the journey cache, $XDG_CACHE_HOME/hero-journey (default ~/.cache/hero-journey);
  // a folder that cannot be written only means no cache.
  const { enableCompileCache } = process.getBuiltinModule('node:module');
  const { homedir } = process.getBuiltinModule('node:os');
  const { isAbsolute, join } = process.getBuiltinModule('node:path');
  const xdgCache = process.env.XDG_CACHE_HOME;
  try {
    enableCompileCache?.(join(xdgCache && isAbsolute(xdgCache) ? xdgCache : join(homedir(), '.cache'), 'hero-journey', 'compile'));
  } catch {
    // No cache then.
  }
  if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
    // The overview is hero-journey's own text: it needs neither the parser nor the terminal guard.
    quietOnClosedPipe();
    const { helpText } = await import('../dist/cli/help.js');
    process.stdout.write(helpText());
  } else {
    const { main } = await import('../dist/cli/index.js');
    await main(args);
  }
}
