// The one pipeline every entry point runs: observe, desired, diff, apply, verify.
import type { Config } from '../config/types.js';
import { observe } from '../kernel/observe.js';
import { applyPlan } from '../kernel/apply.js';
import type { Observed } from '../kernel/types.js';
import { desired, type Desired, type HookEvent } from '../plan/desired.js';
import { diff, type Change, type Plan } from '../plan/diff.js';
import { ensureRunDir, readLeases } from '../state/rundir.js';
import { acquireLock } from '../util/lock.js';
import { VerifyError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { LOCK_FILE } from '../paths.js';
import { readHealthRecord, trustedDrained, type HealthRecord } from '../health/record.js';
import { ignoreLinkdownRoutes } from '../kernel/sysctl.js';

export interface Assessment {
  observed: Observed;
  health: HealthRecord;
  desired: Desired;
  plan: Plan;
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
  return { observed, health, desired: want, plan: diff(want, observed) };
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
    const before = assess(config, log, event);
    if (before.plan.changes.length === 0) return { ...before, applied: [] };
    for (const change of before.plan.changes) log.info(describeChange(change));
    applyPlan(before.plan);
    const after = assess(config, log, event);
    if (after.plan.changes.length > 0) {
      throw new VerifyError(`the kernel does not hold what was applied:\n${after.plan.changes.map((c) => `  ${describeChange(c)}`).join('\n')}`);
    }
    return { ...after, applied: before.plan.changes };
  } finally {
    lock.release();
  }
}
