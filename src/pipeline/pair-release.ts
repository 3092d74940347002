// A single router releases the connections of an uplink that left the route at once
// (reconcile.ts): their clients reconnect through a working uplink instead of waiting for a
// timeout. A router of a pair must not: the uplink may have failed for this router only (its
// cable, its port on the ISP's switch), and then the pair hands over to the peer, whose uplink
// works and which carries those connections on (conntrackd gave it each with its mark); a
// release here would delete them on both routers. So a router of a pair releases them once the
// uplink has been out of the route for PAIR_RELEASE_GRACE_MS and it is still the master: the
// peer did not take over, the uplink is gone for both. A router that is not the master then
// releases nothing for that outage. The times are kept in the health record, so a cron
// handover does not restart them.
import type { Config } from '../config/types.js';
import type { UplinkHealth } from '../health/machine.js';
import { systemKernel } from '../kernel/kernel.js';
import type { UplinkState } from '../plan/uplink-state.js';
import { readHaRole } from '../state/ha-role.js';
import type { Log } from '../util/log.js';

/** Longer than a handover takes: the failure window is over when the uplink leaves the route,
 *  then keepalived's next advertisement (0.1 s) carries the lower priority, the peer preempts,
 *  and uplink-lb ha-notify records the new role (test/e2e/ha-pair.test.ts: the gateway moved
 *  0.3-1.0 s after the uplink left the route; a machine loaded by a full test run, slower). */
export const PAIR_RELEASE_GRACE_MS = 5_000;

/** The uplinks whose grace ended now (each once per outage); notes and forgets outages in
 *  `health` in place. Pure. */
export function outageDue(states: readonly UplinkState[], health: Record<string, UplinkHealth>, now: number): UplinkState[] {
  const due: UplinkState[] = [];
  for (const s of states) {
    const h = health[s.uplink.device];
    if (!h) continue;
    if (s.inRoute || s.standby === true || s.maintenance !== undefined) {
      delete h.outSince;
      delete h.outReleased;
      continue;
    }
    h.outSince ??= now;
    if (h.outReleased === undefined && now - h.outSince >= PAIR_RELEASE_GRACE_MS) {
      h.outReleased = now;
      due.push(s);
    }
  }
  return due;
}

export function releaseInPair(config: Config, states: readonly UplinkState[], health: Record<string, UplinkHealth>, now: number, log: Log): void {
  const due = outageDue(states, health, now);
  if (!config.pinning || due.length === 0 || readHaRole()?.role !== 'MASTER') return;
  for (const s of due) {
    const count = systemKernel.releaseMark(s.uplink.mark);
    if (count) log.info(`${s.uplink.device}: out of the route for ${PAIR_RELEASE_GRACE_MS / 1000} s and the peer did not take over: released ${count} pinned connection(s)`, { device: s.uplink.device, event: 'pair-release' });
  }
}
