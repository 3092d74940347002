// The check's look at conntrackd's synchronisation (a router of a pair with
// HA_CONNTRACKD_CONF): `conntrackd -s` every SYNC_LOOK_EVERY_MS, judged by pair/sync-judgement.ts,
// recorded for status and the metrics (ha-sync.json); a change (and a first judgement that it does
// not work) is logged, kept in the history and handed to the event hooks (ha-sync-lost,
// ha-sync-back).
import type { Config } from '../config/types.js';
import { parseConntrackdStats, unknownProtocols, type SyncStats } from '../pair/conntrackd-stats.js';
import { judgeSync, type SyncSeen } from '../pair/sync-judgement.js';
import { CONNTRACKD } from '../paths.js';
import { writeHaSync } from '../state/ha-sync.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { bootId } from '../util/clock.js';
import type { Log } from '../util/log.js';
import { bad, type Result } from '../util/result.js';
import { run } from '../util/run.js';

export const SYNC_LOOK_EVERY_MS = 2_000;

export interface SyncMemo extends SyncSeen {
  lookedAt: number;
  /** When `working` last changed (monotonic ms). */
  since: number;
}

function conntrackdStats(conf: string): Result<SyncStats> {
  try {
    const r = run([CONNTRACKD, '-C', conf, '-s']);
    if (r.status !== 0) return bad(`conntrackd -s failed (exit ${r.status ?? 'signal'}): ${(r.stderr.trim().split('\n').pop() ?? '').replace(/^\[[^\]]*\] \(pid=\d+\) /, '') || 'no output'}`);
    const unknown = unknownProtocols(r.stderr);
    if (unknown.length > 0) return bad(`conntrackd cannot find ${unknown.join(', ')} in /etc/protocols (install netbase): its Protocol Accept filter lets no connection through, none is synchronised`);
    return parseConntrackdStats(r.stdout);
  } catch (err) {
    return bad(`conntrackd -s could not run: ${(err as Error).message}`);
  }
}

/** A look when one is due; the memo as it is otherwise. */
export function lookAtSync(config: Config, before: SyncMemo | undefined, now: number, wall: number, log: Log): SyncMemo | undefined {
  const conf = config.ha?.conntrackdConf;
  if (!conf) return undefined;
  if (before && now - before.lookedAt < SYNC_LOOK_EVERY_MS) return before;
  const seen = judgeSync(conntrackdStats(conf), before, now);
  const changed = before === undefined ? !seen.working : before.working !== seen.working;
  const since = changed || !before ? now : before.since;
  if (changed) {
    const event = seen.working ? 'ha-sync-back' : 'ha-sync-lost';
    const cause = `conntrackd: ${seen.reason}`;
    if (seen.working) log.info(`pair: synchronisation with the peer works again (${seen.reason})`, { event });
    else log.error(`pair: synchronisation with the peer lost: ${seen.reason}; connections would not survive a switch`, { event });
    recordTransitions([{ at: wall, event, cause }]);
    announce([{ at: wall, event, cause }], config.eventHooksDir);
  }
  try {
    writeHaSync({ boot: bootId(), working: seen.working, since, reason: seen.reason, ...(seen.heard === undefined ? {} : { heard: seen.heard }) });
  } catch (err) {
    log.error(`pair: cannot record the synchronisation's state: ${(err as Error).message}`);
  }
  return { ...seen, lookedAt: now, since };
}
