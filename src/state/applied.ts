// Remembers the configuration text of the last successful reconcile and the distinct one
// before it: `apply --confirm` rolls back to the configuration in force before the edit, even
// when the check picked the edited file up first.
import { RUNDIR } from '../paths.js';
import { readStateFile, writeAtomic } from './rundir.js';

/** The configuration text of the last successful reconcile, and the one before it. */
const APPLIED_FILE = `${RUNDIR}/applied.conf`;
const APPLIED_PREVIOUS_FILE = `${RUNDIR}/applied.previous.conf`;

/** Untrusted (not root's, writable by others) counts as absent. */
function readText(path: string): string | undefined {
  const text = readStateFile(path);
  return 'value' in text ? text.value : undefined;
}

/** Records `text` as applied; the former applied text becomes the previous one when it differs. */
export function recordApplied(text: string): void {
  const current = readText(APPLIED_FILE);
  if (current === text) return;
  if (current !== undefined) writeAtomic(APPLIED_PREVIOUS_FILE, current);
  writeAtomic(APPLIED_FILE, text);
}

/** The configuration to return to from `text`: the last applied one, or the one before it when
 *  `text` has been applied already. Undefined when nothing else has been applied since boot. */
export function configBefore(text: string): string | undefined {
  const current = readText(APPLIED_FILE);
  if (current !== undefined && current !== text) return current;
  return readText(APPLIED_PREVIOUS_FILE);
}
