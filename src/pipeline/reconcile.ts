// The one pipeline every entry point runs: observe, desired, diff, apply, verify.
import type { Config } from '../config/types.js';
import { observe } from '../kernel/observe.js';
import { applyPlan } from '../kernel/apply.js';
import { MAIN_TABLE, type Observed } from '../kernel/types.js';
import { desired, type Desired, type HookEvent, type UplinkState } from '../plan/desired.js';
import { diff, type Change, type Plan } from '../plan/diff.js';
import { CommandError } from '../util/run.js';
import { ensureRunDir, readLeases, writeAtomic, writeLease } from '../state/rundir.js';
import { acquireLock } from '../util/lock.js';
import { ApplyError } from '../util/errors.js';
import { capLines, describeChange, describeDifference } from '../plan/explain.js';
import { ownedSnapshot } from '../plan/snapshot.js';
import { rollBack, saveNftTable, type RollbackResult } from './rollback.js';
import { recordApplied } from '../state/applied.js';
import type { Log } from '../util/log.js';
import { existsSync } from 'node:fs';
import { CONNTRACK, LOCK_FILE, NFT, RUNDIR } from '../paths.js';
import { buildRuleset, type Ruleset } from '../nft/ruleset.js';
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
  /** What uplink-lb's nftables table should hold: undefined for no table; absent when nft is
   *  missing (then it is not compared). */
  ruleset?: Ruleset | undefined;
}

export const LOCK_WAIT_SECONDS = 30;
/** Changes and differences logged one by one; more are counted. */
const LOGGED_LINES = 100;
/** Reads the world and plans, without changing anything. */
export function assess(config: Config, log: Log, event?: HookEvent): Assessment {
  const observed = observe();
  for (const entry of observed.skipped ?? []) log.warn(`skipped, incomplete: ${entry}`);
  const leases = readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const health = readHealthRecord((text) => log.warn(text));
  const { drained, stale } = trustedDrained(health, Date.now());
  if (stale) log.warn(stale);
  const want = desired(config, observed, event ? { leases, drained, event } : { leases, drained });
  const pinning = config.pinning && nftAvailable();
  if (config.pinning && !pinning) sayOnce('nft-missing', `${NFT} is missing: connection pinning is off (apt-get install nftables)`, log);
  const assessment: Assessment = { observed, health, desired: want, plan: { changes: [] }, pinning };
  if (nftAvailable()) assessment.ruleset = pinning ? buildRuleset(config, want) : undefined;
  assessment.plan = planTowards(assessment, observed);
  return assessment;
}

/** The changes from `observed` to what the assessment planned, nftables table included. */
function planTowards(planned: Assessment, observed: Observed): Plan {
  const plan = diff(planned.desired, observed);
  if ('ruleset' in planned) {
    const change = diffNft(planned.ruleset, observeNft());
    if (change) plan.changes.push(change);
  }
  return plan;
}

/** Reads the kernel back and compares it with what was planned: the very desired state and
 *  ruleset of this run, not one computed again from records that a DHCP hook or the health
 *  check may have rewritten meanwhile (they do not take the lock). */
function verify(planned: Assessment, log: Log): Plan {
  const observed = observe();
  for (const entry of observed.skipped ?? []) log.warn(`skipped, incomplete: ${entry}`);
  return planTowards(planned, observed);
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

/** Gateways learned from a DHCP client's own default route are recorded before that route is
 *  taken over, so that the read-back and every later run still know them. */
function recordLearned(want: Desired, log: Log): void {
  for (const lease of want.learned) {
    writeLease(lease);
    log.info(`${lease.device}: gateway ${lease.gateway} learned from the DHCP client's ${lease.reason}; recorded`);
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

export interface Reconciled extends Assessment {
  /** What was changed (empty when the kernel already matched). */
  applied: Change[];
}

/** What a failed run says: the cause, every difference from the configuration, and how the
 *  rollback went. */
function failureReport(cause: string, differences: readonly Change[], rollback: RollbackResult): string {
  const lines = [cause];
  if (differences.length > 0) lines.push('differences from the configuration:', ...capLines(differences.map((c) => `  ${describeDifference(c)}`), LOGGED_LINES));
  if (rollback.remaining.length === 0 && !rollback.error) {
    lines.push(`rolled back to the state before this run (${rollback.undone} change(s)); the next run tries again`);
  } else {
    lines.push(`rollback incomplete${rollback.error ? ` (${rollback.error})` : ''}; differences from the state before this run:`);
    lines.push(...capLines(rollback.remaining.map((c) => `  ${describeDifference(c, 'before')}`), LOGGED_LINES));
  }
  return lines.join('\n');
}

/** Reconciles under the lock. When `ip` or `nft` fails half-way, or the kernel does not read
 *  back as planned, puts back what uplink-lb owned before and throws ApplyError. */
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
    recordLearned(before.desired, log);
    if (before.plan.changes.length === 0) {
      recordApplied(config.text);
      return { ...before, applied: [] };
    }
    for (const line of capLines(before.plan.changes.map(describeChange), LOGGED_LINES)) log.info(line);
    const snapshot = ownedSnapshot(before.observed, before.desired);
    const nftBefore = before.plan.changes.some((c) => c.what === 'nft table') ? saveNftTable() : undefined;
    let cause: string | undefined;
    try {
      applyPlan(before.plan);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err;
      cause = `applying failed: ${err.message}`;
    }
    let remaining: Plan | undefined;
    try {
      remaining = verify(before, log);
    } catch (err) {
      cause ??= `reading back what was applied failed: ${(err as Error).message}`;
    }
    if (cause === undefined && remaining && remaining.changes.length > 0) cause = 'the kernel does not hold what was applied';
    if (cause !== undefined || !remaining) {
      throw new ApplyError(failureReport(cause ?? 'reading back failed', remaining?.changes ?? [], rollBack(snapshot, nftBefore)));
    }
    recordApplied(config.text);
    if (before.pinning) releaseConnections(leftTheRoute(before.observed, before.desired), log);
    return { ...before, plan: remaining, applied: before.plan.changes };
  } finally {
    lock.release();
  }
}
