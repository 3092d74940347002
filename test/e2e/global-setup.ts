// Before the end-to-end files run: start making the Debian roots the Debian-root tests need
// (debootstrap, about a minute each, cached outside the clone: scripts/rig/root-cache.sh, whose
// --expire first drops roots too old to trust), and the PPPoE test's
// virtual machine root made from the Debian 13 one (apt, about a minute and a half), in the
// background, so that it overlaps with the files on the host's own userland. The tests wait for
// them on a lock.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';

/** What to make: [script, its arguments] (vm-root.sh waits for the trixie root on its lock). */
const ROOTS: [string, string, string[]][] = [
  ['trixie', 'scripts/rig/debian-root.sh', ['trixie']],
  ['bookworm', 'scripts/rig/debian-root.sh', ['bookworm']],
  ['trixie-vm', 'scripts/vm/vm-root.sh', []],
];
let children: ChildProcess[] = [];

export function setup(): void {
  if (process.getuid?.() !== 0) return;
  mkdirSync('test/.state/roots', { recursive: true });
  execFileSync('scripts/rig/root-cache.sh', ['--expire'], { stdio: ['ignore', 'ignore', 'inherit'] });
  children = ROOTS.map(([name, script, args]) => {
    const log = openSync(`test/.state/roots/${name}.prepare.log`, 'w');
    // a process group of its own, so that teardown can stop debootstrap or apt with it
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
