// A vitest reporter for `make test`: when each test file went to a worker and when it ended (its
// setup and teardown included, which vitest's JSON report leaves out: a file whose beforeAll
// brings up a rig and runs a long trial showed 2 s there for a minute of a worker's time), and
// how busy the machine's cores were over the run (/proc/stat). Writes OUT (first argument of
// the constructor: test/.state/timeline.json) for scripts/test-summary.mjs.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';

const OUT = 'test/.state/timeline.json';

/** The machine's CPU time so far, in clock ticks: busy (user, nice, system, irq, softirq,
 *  steal) and idle (idle, iowait); undefined where /proc/stat cannot be read. */
function cpuTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: user + nice + system + irq + softirq + steal, idle: idle + iowait };
  } catch {
    return undefined;
  }
}

export default class Timeline {
  start = Date.now();
  cpu = cpuTicks();
  files = new Map();

  onTestModuleQueued(module) {
    this.files.set(module.moduleId, { queued: Date.now() - this.start });
  }

  onTestModuleEnd(module) {
    const f = this.files.get(module.moduleId) ?? { queued: 0 };
    this.files.set(module.moduleId, { ...f, end: Date.now() - this.start });
  }

  onTestRunEnd() {
    const cpu = cpuTicks();
    const busy = this.cpu && cpu ? (cpu.busy - this.cpu.busy) / (cpu.busy - this.cpu.busy + cpu.idle - this.cpu.idle) : undefined;
    const files = [...this.files].map(([id, f]) => ({ name: relative(process.cwd(), id), queued: f.queued / 1000, end: (f.end ?? f.queued) / 1000 }));
    mkdirSync(dirname(OUT), { recursive: true });
    writeFileSync(OUT, `${JSON.stringify({ seconds: (Date.now() - this.start) / 1000, busy, files }, null, 1)}\n`);
  }
}
