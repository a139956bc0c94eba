#!/usr/bin/env node
// Checked before anything else loads, so an older Node.js gets a sentence instead of a SyntaxError.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `hero-journey: needs Node.js 22.18 or newer; this is Node.js ${process.versions.node} (${process.execPath}).\n` +
      '  Install a current LTS release from https://nodejs.org, or borrow one from npm for this run:\n' +
      '    npx -p node@24 -p hero-journey hero-journey\n',
  );
  process.exitCode = 1;
} else {
  // Compiled code is kept beside the journey cache, $XDG_CACHE_HOME/hero-journey (default ~/.cache/hero-journey);
  // a folder that cannot be written only means no cache.
  const [{ enableCompileCache }, { homedir }, { isAbsolute, join }] = await Promise.all([import('node:module'), import('node:os'), import('node:path')]);
  const xdgCache = process.env.XDG_CACHE_HOME;
  try {
    enableCompileCache?.(join(xdgCache && isAbsolute(xdgCache) ? xdgCache : join(homedir(), '.cache'), 'hero-journey', 'compile'));
  } catch {
    // No cache then.
  }
  const { main } = await import('../dist/cli/index.js');
  await main(process.argv.slice(2));
}
