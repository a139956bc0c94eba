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
  const { enableCompileCache } = await import('node:module');
  enableCompileCache?.();
  const { main } = await import('../dist/cli/index.js');
  await main(process.argv.slice(2));
}
