// The one pipeline every entry point runs: observe, desired, diff, apply, verify, under the
// lock.
import type { Config } from '../config/types.js';
import { systemKernel, type Kernel } from '../kernel/kernel.js';
import { MAIN_TABLE } from '../kernel/tables.js';
import type { Observed } from '../kernel/types.js';
import { acceptRaWhileForwarding, ignoreLinkdownRoutes, setHashPolicy } from '../kernel/sysctl.js';
import { haveIpv6 } from '../kernel/observe.js';
import type { Family } from '../kernel/types.js';
import { writeOwnedLan } from '../state/lan6.js';
import { lanKey } from '../plan/lan-prefixes.js';
import type { Desired } from '../plan/desired.js';
import type { HookEvent, UplinkState } from '../plan/uplink-state.js';
import type { Change } from '../plan/diff.js';
import { ownsRoute } from '../plan/ownership.js';
import { recordApplied } from '../state/applied.js';
import { writeLease } from '../state/lease.js';
import { sayOnce } from '../state/said-once.js';
import type { Log } from '../util/log.js';
import { CONNTRACK } from '../paths.js';
import { assessNow, type Assessment } from './assess.js';
import { underRunLock } from './run-lock.js';
import { applySettled } from './apply-verified.js';
import { ApplyError } from '../util/errors.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { writeLastApply } from '../state/last-apply.js';
import { syncResolvers } from './resolvers.js';
import { syncRadvd } from './radvd.js';

/** A rolled-back apply goes into the transitions `status` shows (its first line: the cause)
 *  and into the last-apply record the metrics read. */
function noteRollback(err: ApplyError, hooks: string): void {
  try {
    const event = { at: Date.now(), event: 'rolled-back', cause: err.message.split('\n')[0] ?? '' };
    recordTransitions([event]);
    announce([event], hooks);
    writeLastApply({ at: Date.now(), ok: false, changes: err.changes });
  } catch {
    // the history is a convenience: never let it hide the failure itself
  }
}

/** Gateways learned from a DHCP client's own default route are recorded before that route is
 *  taken over, so that the read-back and every later run still know them. */
function recordLearned(want: Desired, log: Log): void {
  for (const lease of want.learned) {
    writeLease(lease);
    log.info(`${lease.device}: gateway ${lease.gateway} learned from the DHCP client's ${lease.reason}; recorded`);
  }
}

/** Uplinks that were in one of uplink-lb's default routes before and are not now because they
 *  failed: not those that wait on standby (a better tier came back) or were drained for
 *  maintenance, whose connections are kept until they end. */
function leftTheRoute(before: Observed, after: Desired): UplinkState[] {
  const routes = before.routes.filter((r) => r.table === MAIN_TABLE && ownsRoute(r, after.scope));
  const devices = new Set(routes.flatMap((r) => (r.nexthops ? r.nexthops.map((h) => h.dev) : r.dev ? [r.dev] : [])));
  return after.uplinks.filter((s) => devices.has(s.uplink.device) && !s.inRoute && !s.standby && !s.maintenance);
}

/** Drops the tracked connections of uplinks that left the route: their clients reconnect at
 *  once through a healthy uplink instead of waiting for a timeout. */
function releaseConnections(gone: readonly UplinkState[], kernel: Kernel, log: Log): void {
  for (const s of gone) {
    const count = kernel.releaseMark(s.uplink.mark);
    if (count === undefined) {
      sayOnce('conntrack-missing', `${CONNTRACK} is missing: connections of a drained uplink wait for their timeout (apt-get install conntrack)`, log);
      return;
    }
    if (count > 0) log.info(`released ${count} tracked connection(s) pinned to ${s.uplink.device}`);
  }
}

export interface Reconciled extends Assessment {
  /** What was changed (empty when the kernel already matched). */
  applied: Change[];
}

/** After a run that holds: the IPv6 LAN addresses uplink-lb owns are those it owned or added
 *  that are still wanted (the others it has just removed). */
function recordOwnedLan(want: Desired): void {
  const wanted = new Set((want.target.inet6?.addresses ?? []).map(lanKey));
  const owned = (want.scope.ownedAddresses ?? []).filter((key) => wanted.has(key));
  writeOwnedLan(owned);
}

/** Reconciles under the lock. When `ip` or `nft` fails half-way, or the kernel does not read
 *  back as planned, puts back what uplink-lb owned before and throws ApplyError; unless an
 *  uplink's link changed meanwhile: then it plans again (ATTEMPTS). */
export function reconcile(config: Config, log: Log, event?: HookEvent): Reconciled {
  return underRunLock(() => reconcileLocked(config, log, event));
}

function reconcileLocked(config: Config, log: Log, event: HookEvent | undefined): Reconciled {
  const devices = config.uplinks.map((u) => u.device);
  const families: Family[] = config.ipv6 !== 'off' && haveIpv6() ? ['inet', 'inet6'] : ['inet'];
  const sixes = config.uplinks.filter((u) => u.router6 !== 'none').map((u) => u.device);
  const set = [...ignoreLinkdownRoutes(devices, ['inet']), ...(families.includes('inet6') ? [...ignoreLinkdownRoutes(sixes, ['inet6']), ...acceptRaWhileForwarding(sixes)] : [])];
  for (const sysctl of set) log.info(`set ${sysctl}`);
  if (config.hashPolicy) {
    const value = config.hashPolicy === 'l4' ? 1 : 0;
    for (const family of families) {
      if (setHashPolicy(value, family)) log.info(`set net.${family === 'inet6' ? 'ipv6' : 'ipv4'}.fib_multipath_hash_policy=${value} (HASH_POLICY=${config.hashPolicy})`);
    }
  }
  const assessed = (): Assessment => {
    const assessment = assessNow(config, log, event);
    recordLearned(assessment.desired, log);
    return assessment;
  };
  const first = assessed();
  let settled;
  try {
    settled = applySettled(first, assessed, systemKernel, log);
  } catch (err) {
    if (err instanceof ApplyError) noteRollback(err, config.eventHooksDir);
    throw err;
  }
  const { last: before, applied } = settled;
  if (applied.length > 0) {
    writeLastApply({ at: Date.now(), ok: true, changes: applied.length });
    // a router of a pair leaves that to the check, a moment later (pipeline/pair-release.ts).
    // The uplinks that left the route since the run's first read: the kernel may have taken
    // one out itself between two attempts.
    if (before.pinning && !config.ha) releaseConnections(leftTheRoute(first.observed, before.desired), systemKernel, log);
  }
  try {
    syncResolvers(config, before.desired, log);
  } catch (err) {
    // the routes are in place and verified: a resolver file that cannot be written is said,
    // and tried again at the next run
    log.error(`resolvers: ${(err as Error).message}`);
  }
  try {
    syncRadvd(config, before.desired, log);
  } catch (err) {
    log.error(`radvd: ${(err as Error).message}`);
  }
  recordApplied(config.text);
  recordOwnedLan(before.desired);
  return { ...before, plan: { changes: [] }, applied };
}
