// Draining an uplink for maintenance and putting it back (`uplink-lb drain` / `undrain`), and
// releasing its pinned connections at the deadline (the running check does that).
import { monotonicMs, wallIso } from '../util/clock.js';
import type { Config } from '../config/types.js';
import { systemKernel } from '../kernel/kernel.js';
import type { Maintenance } from '../plan/maintenance.js';
import { readMaintenance, writeMaintenance } from '../state/maintenance.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import type { Log } from '../util/log.js';
import { CONNTRACK } from '../paths.js';
import { assessNow } from './assess.js';
import { reconcile } from './reconcile.js';

/** Why `drain` refuses, or undefined: the uplink must be configured, and another uplink must
 *  stay in the route (draining the last one would take the site offline). */
export function drainRefusal(config: Config, device: string, log: Log): string | undefined {
  if (!config.uplinks.some((u) => u.device === device)) return `${device} is not an uplink of ${config.source} (${config.uplinks.map((u) => u.device).join(', ')})`;
  const { desired } = assessNow(config, log);
  const others = desired.uplinks.filter((s) => s.uplink.device !== device && s.status === 'up' && !s.maintenance);
  if (others.length === 0) return `no other uplink is up: draining ${device} would leave the router without a route to the internet`;
  return undefined;
}

function releasePinned(config: Config, device: string, log: Log): number | undefined {
  const uplink = config.uplinks.find((u) => u.device === device);
  if (!uplink) return undefined;
  const count = systemKernel.releaseMark(uplink.mark);
  if (count === undefined) log.warn(`${CONNTRACK} is missing: the connections pinned to ${device} stay until they end (apt-get install conntrack)`);
  return count;
}

/** Drains `device` now; its pinned connections are released at `deadlineSeconds` (now when 0),
 *  or never. Returns the sentence to print. */
export function drain(config: Config, device: string, deadlineSeconds: number | undefined, log: Log): string {
  const now = monotonicMs();
  const record = readMaintenance((text) => log.warn(text));
  const entry: Maintenance = { since: record[device]?.since ?? now };
  if (deadlineSeconds !== undefined) entry.deadline = now + deadlineSeconds * 1000;
  record[device] = entry;
  writeMaintenance(record);
  const until = entry.deadline === undefined ? 'until they end' : `until ${wallIso(entry.deadline)}`;
  const event = { at: Date.now(), device, event: 'maintenance', cause: `drained by the administrator; pinned connections kept ${until}` };
  recordTransitions([event]);
  log.warn(`${device} drained for maintenance: no new connections; pinned connections kept ${until}`, { device, event: 'maintenance' });
  reconcile(config, log);
  announce([event], config.eventHooksDir);
  if (deadlineSeconds === 0) releaseAtDeadlines(config, new Map([[device, entry]]), now, log);
  return `${device} drained: new connections avoid it; connections pinned to it are kept ${deadlineSeconds === 0 ? 'not at all (released now)' : until}`;
}

export function undrain(config: Config, device: string, log: Log): string {
  const record = readMaintenance((text) => log.warn(text));
  if (!record[device]) return `${device} is not drained for maintenance`;
  delete record[device];
  writeMaintenance(record);
  const event = { at: Date.now(), device, event: 'maintenance-ended', cause: 'undrained by the administrator' };
  recordTransitions([event]);
  log.warn(`${device} undrained: back in the route if healthy`, { device, event: 'maintenance-ended' });
  reconcile(config, log);
  announce([event], config.eventHooksDir);
  return `${device} undrained: it carries new connections again once the health check finds it healthy`;
}

/** Releases the pinned connections of drained uplinks whose deadline has come, once each (the
 *  entries of `maintenance` are marked too, so a caller that keeps them does not ask again). */
export function releaseAtDeadlines(config: Config, maintenance: ReadonlyMap<string, Maintenance>, now: number, log: Log): void {
  const due = [...maintenance].filter(([, m]) => m.deadline !== undefined && m.deadline <= now && m.released === undefined);
  if (due.length === 0) return;
  const record = readMaintenance((text) => log.warn(text));
  for (const [device, kept] of due) {
    kept.released = now;
    const entry = record[device];
    if (!entry || entry.released !== undefined) continue;
    const count = releasePinned(config, device, log);
    entry.released = now;
    if (count !== undefined) log.info(`${device}: maintenance deadline reached: released ${count} pinned connection(s)`, { device, event: 'maintenance' });
  }
  writeMaintenance(record);
}
