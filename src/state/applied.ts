// Remembers the configuration text of the last successful reconcile and the distinct one
// before it: `apply --confirm` rolls back to the configuration in force before the edit, even
// when the check picked the edited file up first.
import { APPLIED_FILE, APPLIED_PREVIOUS_FILE } from '../paths.js';
import { readStateFile, writeAtomic } from './rundir.js';

/** Untrusted (not root's, writable by others) counts as absent. */
const readText = (path: string): string | undefined => readStateFile(path).text;

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
