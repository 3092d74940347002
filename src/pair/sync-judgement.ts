// Whether conntrackd's synchronisation with the peer works: the peer's messages keep arriving on
// the dedicated link (FTFW sends one about every second on an idle pair). A synchronisation that
// silently stopped (the peer's conntrackd gone, the link cut, a firewall) leaves the pair unable to
// carry connections over at a switch: it must be said. Pure.
import type { Result } from '../util/result.js';
import type { SyncStats } from './conntrackd-stats.js';

/** No message from the peer for this long: the synchronisation is lost. */
export const SYNC_SILENCE_MS = 6_000;

export interface SyncSeen {
  /** The link's received packets at the last look, and when the count last grew (monotonic ms). */
  received?: number;
  heard?: number;
  working: boolean;
  reason: string;
}

/** The judgement after a look at `conntrackd -s` (`sample`) at `now`. The first look counts as
 *  hearing the peer: the silence is measured from the run's start (conntrackd may start after
 *  the check, at boot). A conntrackd that does not answer is silence too. */
export function judgeSync(sample: Result<SyncStats>, before: SyncSeen | undefined, now: number): SyncSeen {
  if ('problem' in sample) {
    const heard = before?.heard ?? now;
    const working = now - heard < SYNC_SILENCE_MS;
    const reason = working ? `${sample.problem} (lost if it goes on ${((SYNC_SILENCE_MS - (now - heard)) / 1000).toFixed(0)} s more)` : sample.problem;
    return { ...(before?.received === undefined ? {} : { received: before.received }), heard, working, reason };
  }
  const { device, received } = sample.value;
  const grew = before?.received === undefined || received !== before.received;
  const heard = grew ? now : (before?.heard ?? now);
  const silent = now - heard;
  const working = silent < SYNC_SILENCE_MS;
  const reason = working ? `the peer's messages arrive over ${device}` : `no message from the peer over ${device} for ${(silent / 1000).toFixed(0)} s`;
  return { received, heard, working, reason };
}
