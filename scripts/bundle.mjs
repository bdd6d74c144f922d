// Run by `npm run build` after tsc: the entry of every pool child process as one
// CommonJS file, dist/processes/child.cjs. A child started from the 11 ES modules
// tsc emits pays Node's ES module loader for each (resolve, read, link): 81 ms to
// start a pool of 2 and run its first task, against 72 ms from this one file
// (bench/processes.ts, start-up). Task modules are still imported as ES modules.
// The runner's shared state is written to be safe with two copies in one process
// (the child's bundled one, and boundwise imported by a task): see pool/transfer.ts.
import { build } from 'esbuild';

await build({
  entryPoints: ['dist/processes/child.js'],
  outfile: 'dist/processes/child.cjs',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  logLevel: 'warning',
}).then((result) => {
  // A warning (import.meta in CommonJS, say) would be a bug in the child: fail the build.
  if (result.warnings.length) throw new Error(`scripts/bundle.mjs: ${result.warnings.length} warning(s) bundling the child entry`);
});
