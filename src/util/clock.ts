// The two clocks. Every duration (failure and recovery windows, hold-downs, deadlines, the
// check run's length) is measured on the monotonic clock, which NTP's first step after a boot
// without a battery-backed clock, `date -s` and an administrator's correction never move; the
// wall clock only labels records, logs and status for people. Monotonic times are shared by
// every process of one boot (CLOCK_MONOTONIC), so records under /run carry the boot they
// belong to.
import { readFileSync } from 'node:fs';

/** Now on the monotonic clock, in ms (CLOCK_MONOTONIC, the same in every process of a boot). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** The wall time (ms since the epoch) of a monotonic instant, by today's wall clock: a label
 *  for people, which moves when the wall clock is set. */
export function wallOf(mono: number): number {
  return Date.now() - (monotonicMs() - mono);
}

/** A wall time (ms since the epoch) as ISO text. */
export function epochIso(wall: number): string {
  return new Date(wall).toISOString();
}

/** A monotonic instant as ISO text by today's wall clock. */
export function wallIso(mono: number): string {
  return epochIso(Math.round(wallOf(mono)));
}

let boot: string | undefined;

/** This boot's id (the kernel's random boot_id): monotonic times of another boot mean nothing. */
export function bootId(): string {
  if (boot === undefined) {
    try {
      boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      boot = 'unknown';
    }
  }
  return boot;
}

/** The wall clock's lead over the monotonic clock, in ms: it changes only when the wall clock
 *  is set, so two readings that differ tell a jump (and by how much). */
export function clockOffset(): number {
  return Date.now() - monotonicMs();
}
