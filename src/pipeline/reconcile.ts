// The one pipeline every entry point runs: observe, desired, diff, apply, verify.
import type { Config } from '../config/types.js';
import { observe } from '../kernel/observe.js';
import { applyPlan } from '../kernel/apply.js';
import { MAIN_TABLE, type Observed } from '../kernel/types.js';
import { desired, type Desired, type HookEvent, type UplinkState } from '../plan/desired.js';
import { diff, type Change, type Plan } from '../plan/diff.js';
import { ensureRunDir, readLeases, writeAtomic } from '../state/rundir.js';
import { acquireLock } from '../util/lock.js';
import { VerifyError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { existsSync } from 'node:fs';
import { CONNTRACK, LOCK_FILE, NFT, RUNDIR } from '../paths.js';
import { buildRuleset } from '../nft/ruleset.js';
import { diffNft } from '../nft/diff.js';
import { nftAvailable, observeNft } from '../kernel/nft.js';
import { conntrackAvailable, releaseMark } from '../kernel/conntrack.js';
import { readHealthRecord, trustedDrained, type HealthRecord } from '../health/record.js';
import { ignoreLinkdownRoutes, setHashPolicy } from '../kernel/sysctl.js';

export interface Assessment {
  observed: Observed;
  health: HealthRecord;
  desired: Desired;
  plan: Plan;
  /** Connection pinning in force: configured, and nftables present. */
  pinning: boolean;
}

export const LOCK_WAIT_SECONDS = 30;
/** Reads the world and plans, without changing anything. */
export function assess(config: Config, log: Log, event?: HookEvent): Assessment {
  const observed = observe();
  const leases = readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const health = readHealthRecord((text) => log.warn(text));
  const { drained, stale } = trustedDrained(health, Date.now());
  if (stale) log.warn(stale);
  const want = desired(config, observed, event ? { leases, drained, event } : { leases, drained });
  const plan = diff(want, observed);
  const pinning = config.pinning && nftAvailable();
  if (config.pinning && !pinning) sayOnce('nft-missing', `${NFT} is missing: connection pinning is off (apt-get install nftables)`, log);
  if (nftAvailable()) {
    const change = diffNft(pinning ? buildRuleset(config, want) : undefined, observeNft());
    if (change) plan.changes.push(change);
  }
  return { observed, health, desired: want, plan, pinning };
}

/** Logs a warning once per boot (a marker in the run directory remembers it was said). */
function sayOnce(marker: string, text: string, log: Log): void {
  const path = `${RUNDIR}/said.${marker}`;
  if (existsSync(path)) return;
  log.warn(text);
  try {
    writeAtomic(path, `${text}\n`);
  } catch {
    // cannot remember: it will be said again, which is fine
  }
}

/** Uplinks that were in the default route before and are not now. */
function leftTheRoute(before: Observed, after: Desired): UplinkState[] {
  const route = before.routes.find((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.metric === after.metric);
  const devices = new Set(route?.nexthops ? route.nexthops.map((h) => h.dev) : route?.dev ? [route.dev] : []);
  return after.uplinks.filter((s) => devices.has(s.uplink.device) && !s.inRoute);
}

/** Drops the tracked connections of uplinks that left the route: their clients reconnect at
 *  once through a healthy uplink instead of waiting for a timeout. */
function releaseConnections(gone: readonly UplinkState[], log: Log): void {
  if (gone.length === 0) return;
  if (!conntrackAvailable()) {
    sayOnce('conntrack-missing', `${CONNTRACK} is missing: connections of a drained uplink wait for their timeout (apt-get install conntrack)`, log);
    return;
  }
  for (const s of gone) {
    const count = releaseMark(s.uplink.mark);
    if (count > 0) log.info(`released ${count} tracked connection(s) pinned to ${s.uplink.device}`);
  }
}

export function describeChange(change: Change): string {
  const verb = change.action === 'add' ? 'add' : change.action === 'replace' ? 'replace' : 'delete';
  return `${verb} ${change.what} ${change.text}${change.was ? ` (was: ${change.was})` : ''}`;
}

export interface Reconciled extends Assessment {
  /** What was changed (empty when the kernel already matched). */
  applied: Change[];
}

/** Reconciles under the lock; throws CommandError when ip fails and VerifyError when the result differs. */
export function reconcile(config: Config, log: Log, event?: HookEvent): Reconciled {
  ensureRunDir();
  const lock = acquireLock(LOCK_FILE, LOCK_WAIT_SECONDS);
  try {
    for (const device of ignoreLinkdownRoutes(config.uplinks.map((u) => u.device))) {
      log.info(`set net.ipv4.conf.${device}.ignore_routes_with_linkdown=1`);
    }
    if (config.hashPolicy && setHashPolicy(config.hashPolicy === 'l4' ? 1 : 0)) {
      log.info(`set net.ipv4.fib_multipath_hash_policy=${config.hashPolicy === 'l4' ? 1 : 0} (HASH_POLICY=${config.hashPolicy})`);
    }
    const before = assess(config, log, event);
    if (before.plan.changes.length === 0) return { ...before, applied: [] };
    for (const change of before.plan.changes) log.info(describeChange(change));
    applyPlan(before.plan);
    const after = assess(config, log, event);
    if (after.plan.changes.length > 0) {
      throw new VerifyError(`the kernel does not hold what was applied:\n${after.plan.changes.map((c) => `  ${describeChange(c)}`).join('\n')}`);
    }
    if (before.pinning) releaseConnections(leftTheRoute(before.observed, after.desired), log);
    return { ...after, applied: before.plan.changes };
  } finally {
    lock.release();
  }
}
