// What one target's probes say over a sliding window: answered lately or not, and loss,
// round-trip time and jitter. Pure.
import type { TargetResult } from './machine.js';

/** One resolved probe: when it was sent, and its round trip (null: lost, or later than the timeout). */
export interface Sample {
  sentAt: number;
  rttMs: number | null;
}

/** Everything a prober knows about its target, as the judge reads it. */
export interface TargetLog {
  target: string;
  /** When probing this target from this address began (ms since the epoch). */
  startedAt: number;
  /** When the newest answer arrived, however late. */
  lastAnswerAt?: number;
  /** Resolved probes, in the order they were sent. */
  samples: readonly Sample[];
  /** The prober's last complaint (ping's error line, a refused bind), if any. */
  error?: string;
}

/** answered: an answer arrived within the failure window. silent: none did, though the
 *  target has been probed for that long. pending: probed for less than the window. */
export type Heard = 'answered' | 'silent' | 'pending';

export function heard(log: TargetLog, windowMs: number, now: number): Heard {
  if (log.lastAnswerAt !== undefined && now - log.lastAnswerAt <= windowMs) return 'answered';
  return now - log.startedAt < windowMs ? 'pending' : 'silent';
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** Loss, mean round trip and jitter (mean deviation from that mean) of the probes sent from
 *  `from` on. Runs at every judgement for every target: two passes over the kept samples, and
 *  nothing allocated but the result. */
export function windowStats(log: TargetLog, from: number): TargetResult {
  let sent = 0;
  let received = 0;
  let sum = 0;
  for (const s of log.samples) {
    if (s.sentAt < from) continue;
    sent++;
    if (s.rttMs === null) continue;
    received++;
    sum += s.rttMs;
  }
  const result: TargetResult = { target: log.target, sent, received, rttMs: null };
  if (received > 0) {
    const mean = sum / received;
    result.rttMs = round3(mean);
    if (received >= 2) {
      let deviation = 0;
      for (const s of log.samples) if (s.sentAt >= from && s.rttMs !== null) deviation += Math.abs(s.rttMs - mean);
      result.jitterMs = round3(deviation / received);
    }
  }
  if (log.error !== undefined && (received === 0 || log.lastAnswerAt === undefined)) result.error = log.error;
  return result;
}

/** Loss in percent, or undefined without samples. */
export function lossPercent(r: TargetResult): number | undefined {
  return r.sent === 0 ? undefined : round3((100 * (r.sent - r.received)) / r.sent);
}
