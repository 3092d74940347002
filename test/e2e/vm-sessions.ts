// The virtual-machine sessions (scripts/vm/vm-session.sh) the end-to-end tests run: the global
// setup starts each in the background, the test file that reads it waits for it.
import { resolve } from 'node:path';

/** The PPPoE machine: where its session works (DEST; DEST.console, DEST.rc, DEST.lock beside). */
export const PPPOE_VM = resolve('test/.state/vm/pppoe');
export const PPPOE_SCENARIO = resolve('test/e2e/vm/pppoe-scenario.sh');
/** [scenario, destination] of every session to start. */
export const VM_SESSIONS: [string, string][] = [[PPPOE_SCENARIO, PPPOE_VM]];
