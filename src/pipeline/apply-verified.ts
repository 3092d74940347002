// The decisions of a reconcile that changes something: run the plan, read the kernel back,
// compare it with what was planned, and put back what was owned before when applying failed
// or the read-back differs. Takes the kernel as an object, so every branch is unit-tested on
// captured states.
import type { Kernel } from '../kernel/kernel.js';
import type { Observed } from '../kernel/types.js';
import { planTowards, type Change, type Plan } from '../plan/diff.js';
import { capLines, describeDifference } from '../plan/explain.js';
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

/** Applies `before.plan` and verifies the kernel against the very desired state and ruleset
 *  this run planned (not one computed again from records a DHCP hook or the health check may
 *  have rewritten meanwhile: they do not take the lock). Rules and routes are read back by the
 *  `ip` run that changed them; the nftables table, when the plan replaced it, by a fresh read.
 *  Throws ApplyError, after the rollback, when applying failed or the read-back differs. */
export function applyVerified(before: Assessment, kernel: Kernel, log: Log): void {
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
  try {
    const observed = readBack ?? (commands.ip.length > 0 ? kernel.observe() : before.observed);
    for (const entry of observed.skipped ?? []) log.warn(`skipped, incomplete: ${entry}`);
    const nft = commands.nftInput !== undefined ? kernel.observeNft() : before.nft;
    remaining = planTowards(before.desired, observed, nft);
  } catch (err) {
    cause ??= `reading back what was applied failed: ${(err as Error).message}`;
  }
  if (cause === undefined && remaining && remaining.changes.length > 0) cause = 'the kernel does not hold what was applied';
  if (cause !== undefined || !remaining) {
    throw new ApplyError(failureReport(cause ?? 'reading back failed', remaining?.changes ?? [], rollBack(snapshot, nftBefore, kernel)));
  }
}
