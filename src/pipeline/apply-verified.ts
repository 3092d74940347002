// The decisions of a reconcile that changes something: run the plan, read the kernel back,
// compare it with what was planned, and put back what was owned before when applying failed
// or the read-back differs. Takes the kernel as an object, so every branch is unit-tested on
// captured states.
import type { Kernel } from '../kernel/kernel.js';
import type { Observed } from '../kernel/types.js';
import { planTowards, type Change, type Plan } from '../plan/diff.js';
import { capLines, describeChange, describeDifference } from '../plan/explain.js';
import { movedLinks } from '../plan/moved-links.js';
import { renderPlan } from '../plan/render.js';
import { ownedSnapshot } from '../plan/snapshot.js';
import { ApplyError } from '../util/errors.js';
import type { Log } from '../util/log.js';
import { CommandError } from '../util/run.js';
import type { Assessment } from './assess.js';
import { rollBack, type RollbackResult } from './rollback.js';

/** Changes and differences logged one by one; more are counted. */
export const LOGGED_LINES = 100;

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

/** What a verified apply came to: done, or not done because the uplinks' links changed under
 *  it (`moved`: what changed; `cause`: what failed or differed), with nothing rolled back, so
 *  that the caller plans again. */
export type Verified = { done: true } | { done: false; moved: string[]; cause: string };

/** Applies `before.plan` and verifies the kernel against the very desired state and ruleset
 *  this run planned (not one computed again from records a DHCP hook or the health check may
 *  have rewritten meanwhile: they do not take the lock). Rules and routes are read back by the
 *  `ip` run that changed them; the nftables table, when the plan replaced it, by a fresh read.
 *  When applying failed or the read-back differs: with `replan`, if an uplink's link came,
 *  went, or gained or lost its carrier since the plan's read (the kernel deletes the nexthop
 *  objects and routes on a device that goes down, and refuses new ones), returns what moved
 *  and leaves the kernel as it is; otherwise rolls back and throws ApplyError. */
export function applyVerified(before: Assessment, kernel: Kernel, log: Log, replan = false): Verified {
  const commands = renderPlan(before.plan);
  const snapshot = ownedSnapshot(before.observed, before.desired.scope);
  const nftBefore = commands.nftInput !== undefined ? kernel.listNft() : undefined;
  let cause: string | undefined;
  let readBack: Observed | undefined;
  try {
    if (commands.ip.length > 0) readBack = kernel.applyIp(commands.ip);
    if (commands.nftInput !== undefined) kernel.applyNft(commands.nftInput);
  } catch (err) {
    if (!(err instanceof CommandError)) throw err;
    cause = `applying failed: ${err.message}`;
  }
  let remaining: Plan | undefined;
  let observed: Observed | undefined;
  try {
    observed = readBack ?? (commands.ip.length > 0 ? kernel.observe() : before.observed);
    for (const entry of observed.skipped ?? []) log.warn(`skipped, incomplete: ${entry}`);
    const nft = commands.nftInput !== undefined ? kernel.observeNft() : before.nft;
    remaining = planTowards(before.desired, observed, nft);
  } catch (err) {
    cause ??= `reading back what was applied failed: ${(err as Error).message}`;
  }
  if (cause === undefined && remaining && remaining.changes.length === 0) return { done: true };
  cause ??= remaining ? 'the kernel does not hold what was applied' : 'reading back failed';
  if (replan && observed) {
    const devices = [...new Set(before.desired.uplinks.map((s) => s.uplink.device))];
    const moved = movedLinks(before.observed, observed, devices);
    if (moved.length > 0) return { done: false, moved, cause };
  }
  throw new ApplyError(failureReport(cause, remaining?.changes ?? [], rollBack(snapshot, nftBefore, kernel)), before.plan.changes.length);
}

/** How many times a run plans and applies when an uplink's link keeps changing under it; the
 *  last attempt rolls back as any failed apply does. */
export const ATTEMPTS = 3;

export interface Settled {
  /** The assessment the kernel now holds (the last attempt's). */
  last: Assessment;
  /** Every change applied, over all attempts. */
  applied: Change[];
}

/** Logs `first`'s plan and applies it verified; when an uplink's link changed under an attempt,
 *  logs what moved and does the same with the plan of `again()` (a fresh assessment), up to
 *  ATTEMPTS in all. Throws ApplyError, after the rollback, as applyVerified does. */
export function applySettled(first: Assessment, again: () => Assessment, kernel: Kernel, log: Log): Settled {
  const applied: Change[] = [];
  let before = first;
  for (let attempt = 1; before.plan.changes.length > 0; attempt++) {
    for (const line of capLines(before.plan.changes.map(describeChange), LOGGED_LINES)) log.info(line);
    const verified = applyVerified(before, kernel, log, attempt < ATTEMPTS);
    applied.push(...before.plan.changes);
    if (verified.done) break;
    log.info(`${verified.moved.join(', ')} while this run applied (${verified.cause.split('\n')[0] ?? ''}): planned again from the kernel as it is now`);
    before = again();
  }
  return { last: before, applied };
}
