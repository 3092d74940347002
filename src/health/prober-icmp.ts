// A long-lived ping(8) through one uplink: from the uplink's own address (so its `from` rule
// picks its table and gateway), one echo request every interval, `-O` so that every request
// left unanswered is reported when the next one goes out, `-D` so that every line carries the
// moment it was printed (by the wall clock: the prober turns it into monotonic time, minding
// a jump of the wall clock between the print and the read). ping writes into a file in the run directory that is read only when
// the check judges (a few times a second at most), so answers cost the check no wake-up.
// Restarted when it exits.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PING, RUNDIR, SETPRIV } from '../paths.js';
import { SampleLog } from './sample-log.js';
import type { Sample, TargetLog } from './window.js';
import { clockOffset, monotonicMs } from '../util/clock.js';

/** What one line of `ping -D -n -O` says, and when it was printed (ms since the epoch, by the
 *  wall clock). Pure. */
export type PingLine =
  | { kind: 'reply'; at?: number; seq: number; rttMs: number }
  | { kind: 'no-answer'; at?: number; seq: number }
  | { kind: 'error'; at?: number; seq?: number; text: string }
  | { kind: 'other' };

export function parsePingLine(line: string): PingLine {
  const stamp = /^\[(\d+\.\d+)\] (.*)$/.exec(line);
  const text = stamp?.[2] ?? line;
  const at = stamp?.[1] ? { at: Math.round(Number(stamp[1]) * 1000) } : {};
  const reply = /icmp_seq=(\d+) .*time=([\d.]+) ms/.exec(text);
  if (reply?.[1] && reply[2]) return { kind: 'reply', ...at, seq: Number(reply[1]), rttMs: Number(reply[2]) };
  const none = /^no answer yet for icmp_seq=(\d+)/.exec(text);
  if (none?.[1]) return { kind: 'no-answer', ...at, seq: Number(none[1]) };
  // From 198.18.101.1 icmp_seq=5 Destination Host Unreachable
  const from = /^From (\S+) icmp_seq=(\d+) (.+)$/.exec(text);
  if (from?.[1] && from[2] && from[3]) return { kind: 'error', ...at, seq: Number(from[2]), text: `${from[3]} (from ${from[1]})` };
  if (/^ping: /.test(text)) return { kind: 'error', ...at, text };
  return { kind: 'other' };
}

/** A wall time ping printed, as monotonic time: by the clocks' offset now, or, when the wall
 *  clock was set between the print and this read and that puts the line outside the span since
 *  the last read, by the offset of the last read. A line that fits neither (its clock and ours
 *  read on either side of a jump) is taken as printed now: late rather than early, so that a
 *  jump never makes answers look old and an uplink silent. Pure. */
export function monotonicOf(wall: number, read: { offset: number; at: number }, since: { offset: number; at: number }): number {
  // printed after the last read (less a second: ping may have been writing the line then) and by now
  const within = (t: number): boolean => t >= since.at - 1000 && t <= read.at + 50;
  const now = wall - read.offset;
  const before = wall - since.offset;
  return Math.min(within(now) ? now : within(before) ? before : read.at, read.at);
}

const RESTART_MS = 1000;
/** Where the pings write: one file per ping, removed when it ends. */
export const PROBE_DIR = join(RUNDIR, 'probes');

export class IcmpProber {
  private readonly log: SampleLog;
  private child: ChildProcess | undefined;
  private restart: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The current ping's output: its file, our read position, a line not yet complete. */
  private output: { path: string; fd: number; offset: number; rest: string } | undefined;
  /** The current ping's probes by sequence number, to file late answers: those still kept. */
  private bySeq = new Map<number, Sample>();
  private readonly keepMs: number;
  private readonly buffer = Buffer.alloc(64 * 1024);
  /** The wall clock's lead over the monotonic one at the last read, and that read's moment. */
  private lastRead = { offset: clockOffset(), at: monotonicMs() };

  constructor(
    private readonly source: string,
    /** Set on every probe (SO_MARK): the uplink's mark routes it as its source does, and keeps
     *  traffic policies off it. */
    private readonly mark: number,
    private readonly target: string,
    private readonly intervalSeconds: number,
    timeoutSeconds: number,
    keepSeconds: number,
    /** The run's end (monotonic): a ping left behind by a killed check stops by itself soon after. */
    private readonly untilMs: number,
  ) {
    this.keepMs = keepSeconds * 1000;
    this.log = new SampleLog(target, this.keepMs, timeoutSeconds * 1000);
    this.start();
  }

  private start(): void {
    this.bySeq = new Map();
    mkdirSync(PROBE_DIR, { recursive: true, mode: 0o700 });
    const path = join(PROBE_DIR, `${process.pid}-${this.source}-${this.target}-${Math.round(monotonicMs())}`);
    const writer = openSync(path, 'wx', 0o600);
    this.output = { path, fd: openSync(path, 'r'), offset: 0, rest: '' };
    const deadline = String(Math.max(5, Math.ceil((this.untilMs - monotonicMs()) / 1000) + 5));
    const args = ['-D', '-n', '-O', '-i', String(this.intervalSeconds), '-w', deadline, '-m', String(this.mark), '-I', this.source, this.target];
    // killed with the check (even by kill -9); -w ends it soon after the run's end anyway
    const child = spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', PING, ...args], { stdio: ['ignore', writer, writer], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
    closeSync(writer);
    this.child = child;
    child.on('error', (err) => this.log.complain(`${SETPRIV} ${PING}: ${err.message}`));
    child.on('close', (code, signal) => {
      this.child = undefined;
      this.read();
      this.closeOutput();
      if (this.stopped) return;
      if (code !== null) this.log.complain(`ping exited with status ${code}`);
      else if (signal !== null) this.log.complain(`ping was stopped by ${signal}`);
      this.restart = setTimeout(() => this.start(), RESTART_MS);
    });
  }

  /** Files what ping printed since the last read. */
  private read(): void {
    const out = this.output;
    if (!out) return;
    const read = { offset: clockOffset(), at: monotonicMs() };
    const since = this.lastRead;
    this.lastRead = read;
    for (;;) {
      const n = readSync(out.fd, this.buffer, 0, this.buffer.length, out.offset);
      if (n <= 0) break;
      out.offset += n;
      const lines = (out.rest + this.buffer.toString('utf8', 0, n)).split('\n');
      out.rest = lines.pop() ?? '';
      for (const line of lines) this.heard(line, read, since);
      // a short read reached the file's end: no second read to learn that
      if (n < this.buffer.length) break;
    }
  }

  private heard(line: string, read: { offset: number; at: number }, since: { offset: number; at: number }): void {
    const said = parsePingLine(line);
    if (said.kind === 'other') return;
    const at = said.at === undefined ? read.at : monotonicOf(said.at, read, since);
    if (said.kind === 'reply') {
      this.bySeq.set(said.seq, this.log.answered(said.rttMs, this.bySeq.get(said.seq), at));
    } else if (said.kind === 'no-answer') {
      if (!this.bySeq.has(said.seq)) this.bySeq.set(said.seq, this.log.lost(at - this.intervalSeconds * 1000));
    } else if (said.seq !== undefined && !this.bySeq.has(said.seq)) {
      this.bySeq.set(said.seq, this.log.lost(at, said.text));
    } else this.log.complain(said.text);
    // an answer to a probe the log no longer keeps changes nothing: its number is forgotten
    // (the map is in sending order; keeping thousands made the heap grow all run long)
    const oldest = at - this.keepMs;
    for (const [seq, sample] of this.bySeq) {
      if (sample.sentAt >= oldest) break;
      this.bySeq.delete(seq);
    }
  }

  private closeOutput(): void {
    if (!this.output) return;
    closeSync(this.output.fd);
    try {
      unlinkSync(this.output.path);
    } catch {
      // gone already
    }
    this.output = undefined;
  }

  snapshot(): TargetLog {
    this.read();
    return this.log.snapshot();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.restart);
    this.child?.kill('SIGTERM');
    this.closeOutput();
  }
}
