// Before the end-to-end files run: start making the Debian roots the Debian-root tests need
// (debootstrap, about a minute each, cached under test/.state/roots) in the background, so that
// it overlaps with the files on the host's own userland. The tests wait for them on a lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';

const SUITES = ['trixie', 'bookworm'];
let children: ChildProcess[] = [];

export function setup(): void {
  if (process.getuid?.() !== 0) return;
  mkdirSync('test/.state/roots', { recursive: true });
  children = SUITES.map((suite) => {
    const log = openSync(`test/.state/roots/${suite}.prepare.log`, 'w');
    // a process group of its own, so that teardown can stop debootstrap with it
    return spawn('scripts/rig/debian-root.sh', [suite], { stdio: ['ignore', log, log], detached: true });
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
