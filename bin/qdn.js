#!/usr/bin/env node
// The `qdn` command (package.json "bin"): loads the TypeScript CLI through tsx's loader.
import { register } from 'tsx/esm/api';

register();
const { run } = await import('../cli/main.ts');
process.exitCode = await run(process.argv.slice(2), process.env, {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(text),
  progressInPlace: Boolean(process.stderr.isTTY),
});
