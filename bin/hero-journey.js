#!/usr/bin/env node
import { enableCompileCache } from 'node:module';
enableCompileCache?.();
const { main } = await import('../dist/cli/index.js');
await main(process.argv.slice(2));
