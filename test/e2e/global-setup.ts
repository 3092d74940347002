// Before the end-to-end files run: start making the Debian roots the Debian-root tests need
// (debootstrap, about a minute each, cached outside the clone: scripts/rig/root-cache.sh, whose
// --expire first drops roots too old to trust), and the PPPoE test's
// virtual machine root made from the Debian 13 one (apt, about a minute and a half), in the
// background, so that it overlaps with the files on the host's own userland. The tests wait for
// them on a lock. With the whole suite (`make test`), the PPPoE machine's run too, and the
// broken-configuration corpus's trial on a rig of its own, at the lowest priority
// (scripts/rig/corpus-run.sh --idle).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { materializeCorpus } from '../corpus/corpus.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the PPPoE machine started here writes its console and status (pppoe-run.sh), or ''
     *  when none was started (the test file then runs it itself). */
    pppoeRun: string;
    /** The directory where the corpus's trial started here writes (corpus-run.sh), or '' when
     *  none was started (the test file then runs it itself). */
    corpusRun: string;
  }
}

/** The PPPoE test's virtual machine (scripts/vm/pppoe-run.sh), started here when the whole suite
 *  runs (`make test` sets E2E_BACKGROUND=1): its minutes of emulation then overlap the other
 *  files instead of holding a test worker. */
const PPPOE_RUN = resolve('test/.state/vm/pppoe');
/** The corpus's trial (scripts/rig/corpus-run.sh): ~400 starts of the executable that need no
 *  clock, at the lowest priority, so that they take the CPU that files waiting on failure
 *  windows leave idle rather than a test worker for a minute. */
const CORPUS_RUN = resolve('test/.state/corpus-e2e');

/** What to make: [script, its arguments] (vm-root.sh waits for the trixie root on its lock). */
const ROOTS: [string, string, string[]][] = [
  ['trixie', 'scripts/rig/debian-root.sh', ['trixie']],
  ['bookworm', 'scripts/rig/debian-root.sh', ['bookworm']],
  ['trixie-vm', 'scripts/vm/vm-root.sh', []],
];
let children: ChildProcess[] = [];

export function setup(project: TestProject): void {
  project.provide('pppoeRun', '');
  project.provide('corpusRun', '');
  if (process.getuid?.() !== 0) return;
  mkdirSync('test/.state/roots', { recursive: true });
  execFileSync('scripts/rig/root-cache.sh', ['--expire'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const jobs: [string, string, string[]][] = [...ROOTS];
  if (process.env.E2E_BACKGROUND === '1') {
    mkdirSync('test/.state/vm', { recursive: true });
    // a status left by an earlier run must not be read as this one's
    rmSync(`${PPPOE_RUN}.status`, { force: true });
    // after the first four files' busiest minutes (builds, apt in the Debian 13 root): started at
    // 40 s, the machine took a core from them (health, operations, debian13 and ipv6 took 167,
    // 117, 202 and 176 s; 763 s in all, 2026-12-05 11:19); at 150 s, debian13 and ipv6 took 214
    // and 187 s (763 s); at 300 s it runs beside files that mostly wait: 127, 109, 158 and 147 s,
    // 735 s in all (11:35). Those were two files at a time; with three the cores are busy
    // throughout, and 300 s still ends the machine's run well before its file (664-680 s runs)
    jobs.push(['pppoe-vm', 'scripts/vm/pppoe-run.sh', [PPPOE_RUN, '300']]);
    // the packages the files would build on their workers (debian13's first, at about 130 s)
    jobs.push(['build-ahead', 'scripts/rig/build-ahead.sh', []]);
    project.provide('pppoeRun', PPPOE_RUN);
    materializeCorpus(`${CORPUS_RUN}/cases`);
    jobs.push(['corpus', 'scripts/rig/corpus-run.sh', [CORPUS_RUN, '--idle']]);
    project.provide('corpusRun', CORPUS_RUN);
  }
  children = jobs.map(([name, script, args]) => {
    const log = openSync(`test/.state/roots/${name}.prepare.log`, 'w');
    // a process group of its own, so that teardown can stop debootstrap, apt or qemu with it
    return spawn(script, args, { stdio: ['ignore', log, log], detached: true });
  });
}

export function teardown(): Promise<void> {
  // normally long finished; stop only what this setup started, by its pid
  const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
  return new Promise((done) => {
    if (running.length === 0) return done();
    let left = running.length;
    for (const child of running) {
      child.once('exit', () => --left === 0 && done());
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    }
  });
}
