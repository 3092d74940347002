// Before the end-to-end files run: start making the Debian roots the Debian-root tests need
// (debootstrap, about a minute each, cached under test/.state/roots), and the PPPoE test's
// virtual machine root made from the Debian 13 one (apt, about a minute and a half), in the
// background, so that it overlaps with the files on the host's own userland; and the PPPoE
// test's whole virtual machine session (scripts/vm/vm-session.sh: it waits for that root, then
// boots the machine, which runs for two to three minutes on a core of its own instead of holding
// a test worker). The tests wait for them on a lock.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, rmSync } from 'node:fs';
import { VM_SESSIONS } from './vm-sessions.js';

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
  children = ROOTS.map(([name, script, args]) => {
    const log = openSync(`test/.state/roots/${name}.prepare.log`, 'w');
    // a process group of its own, so that teardown can stop debootstrap or apt with it
    return spawn(script, args, { stdio: ['ignore', log, log], detached: true });
  });
  mkdirSync('test/.state/vm', { recursive: true });
  for (const [scenario, dest] of VM_SESSIONS) {
    // no outcome of an earlier run can be read for this one's while the session starts
    rmSync(`${dest}.rc`, { force: true });
    children.push(spawn('scripts/vm/vm-session.sh', [scenario, dest], { stdio: 'ignore', detached: true }));
  }
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
