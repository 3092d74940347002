// Puts back what uplink-lb owned before a run whose apply failed or did not verify: the rules
// and routes of the snapshot (planned by diff, like any reconcile) and the nftables table as it
// was listed before.
import type { Kernel } from '../kernel/kernel.js';
import { diff, type Change, type Goal } from '../plan/diff.js';
import { nftReplacement, renderPlan } from '../plan/render.js';

export interface RollbackResult {
  /** Changes made to go back. */
  undone: number;
  /** Where the kernel still differs from the snapshot afterwards (empty: fully restored). */
  remaining: Change[];
  error?: string;
}

/** `nftText`: the table as listed before ('' when there was none); undefined when the run did
 *  not touch it. */
export function rollBack(snapshot: Goal, nftText: string | undefined, kernel: Kernel): RollbackResult {
  const result: RollbackResult = { undone: 0, remaining: [] };
  let readBack;
  try {
    const plan = diff(snapshot, kernel.observe());
    result.undone = plan.changes.length;
    const { ip } = renderPlan(plan);
    if (ip.length > 0) readBack = kernel.applyIp(ip);
    if (nftText !== undefined) {
      result.undone++;
      kernel.applyNft(nftReplacement(nftText === '' ? undefined : nftText));
    }
  } catch (err) {
    result.error = (err as Error).message;
  }
  try {
    result.remaining = diff(snapshot, readBack ?? kernel.observe()).changes;
  } catch (err) {
    result.error ??= `reading the kernel failed: ${(err as Error).message}`;
  }
  return result;
}
