// Puts back what uplink-lb owned before a run whose apply failed or did not verify: the rules
// and routes of the snapshot (planned by diff, like any reconcile) and the nftables table as it
// was listed before.
import { observe } from '../kernel/observe.js';
import { applyPlan } from '../kernel/apply.js';
import { listNftTable, nftAvailable } from '../kernel/nft.js';
import type { Desired } from '../plan/desired.js';
import { diff, type Change } from '../plan/diff.js';

/** The table's text as `nft list table` prints it; '' when it does not exist; undefined without nft. */
export function saveNftTable(): string | undefined {
  return nftAvailable() ? listNftTable() : undefined;
}

export interface RollbackResult {
  /** Changes made to go back. */
  undone: number;
  /** Where the kernel still differs from the snapshot afterwards (empty: fully restored). */
  remaining: Change[];
  error?: string;
}

export function rollBack(snapshot: Desired, nftText: string | undefined): RollbackResult {
  const result: RollbackResult = { undone: 0, remaining: [] };
  try {
    const plan = diff(snapshot, observe());
    if (nftText !== undefined) plan.changes.push({ action: 'replace', what: 'nft table', text: 'inet uplink_lb (as before)', command: nftText });
    result.undone = plan.changes.length;
    applyPlan(plan);
  } catch (err) {
    result.error = (err as Error).message;
  }
  try {
    result.remaining = diff(snapshot, observe()).changes;
  } catch (err) {
    result.error ??= `reading the kernel failed: ${(err as Error).message}`;
  }
  return result;
}
