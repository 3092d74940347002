// One round of `uplink-lb check`, the orchestrator above health/: read the interfaces, probe,
// update the health record, and reconcile when the kernel target changed (or has not been
// verified for a while).
import type { Config } from '../config/types.js';
import { observeInterfaces } from '../kernel/observe.js';
import { nftAvailable } from '../kernel/nft.js';
import { desired } from '../plan/desired.js';
import { readLeases } from '../state/lease.js';
import type { Log } from '../util/log.js';
import { evaluateRound, probePlans } from '../health/evaluate.js';
import { drainedDevices } from '../health/machine.js';
import { readHealthRecord, writeHealthRecord, type HealthRecord } from '../state/health.js';
import { probeRound } from '../health/round.js';
import { reconcile } from './reconcile.js';
import { countPinned, writeMetrics } from './metrics-file.js';
import { recordTransitions, type Transition } from '../state/transitions.js';
import { announce } from '../events/announce.js';

/** Full reconciles happen when the desired state changes, and at least this often anyway (to
 *  repair drift); other rounds read links and addresses only (one `ip` run). */
const VERIFY_EVERY_MS = 15_000;

export interface Memo {
  /** The kernel target the last full reconcile made true, as text. */
  fingerprint: string;
  verifiedAt: number;
  /** Connections pinned to each uplink, counted at the last full reconcile (for the metrics). */
  pinned: ReadonlyMap<string, number>;
}

export const FRESH_MEMO: Memo = { fingerprint: '', verifiedAt: 0, pinned: new Map() };

export interface RoundReport {
  record: HealthRecord;
  memo: Memo;
}

/** One round. `config` is read fresh by the caller, so edits take effect at the next round. */
export async function checkRound(config: Config, log: Log, previous: HealthRecord, memo: Memo): Promise<RoundReport> {
  const observed = observeInterfaces();
  const leases = readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const states = desired(config, observed, { leases, drained: drainedDevices(previous.uplinks) }).uplinks;
  const results = await probeRound(probePlans(states), config.check);
  const now = Date.now();
  const { uplinks, changes } = evaluateRound(config, states, results, previous, now);
  for (const change of changes) log.warn(change.line, { device: change.device, event: change.state });
  const transitions: Transition[] = changes.map((c) => ({ at: now, device: c.device, event: c.state, cause: c.cause }));
  const want = desired(config, observed, { leases, drained: drainedDevices(uplinks), nft: nftAvailable() });
  if (want.failOpen && !previous.failOpen) {
    log.error('fail open: every uplink fails its probes; the probe targets are the likelier culprits, so all uplinks stay in the default route', { event: 'fail-open' });
    transitions.push({ at: now, event: 'fail-open', cause: 'every uplink fails its probes' });
  }
  if (!want.failOpen && previous.failOpen) {
    log.warn('fail open ended: routing by health again', { event: 'fail-open-ended' });
    transitions.push({ at: now, event: 'fail-open-ended', cause: 'an uplink answers its probes again' });
  }
  recordTransitions(transitions);
  const record: HealthRecord = { version: 1, updated: now, failOpen: want.failOpen, uplinks, rounds: (previous.rounds ?? 0) + 1 };
  writeHealthRecord(record);
  // everything a reconcile would make true (rules, routes, the nftables table, a DHCP client's
  // route to take over: udhcpc puts its own back at every renewal) and the gateways to record
  const wanted = JSON.stringify([want.target, want.learned]);
  if (wanted === memo.fingerprint && now - memo.verifiedAt < VERIFY_EVERY_MS) {
    writeMetrics(config, want, record, memo.pinned, log);
    announce(transitions, config.eventHooksDir);
    return { record, memo };
  }
  try {
    reconcile(config, log);
  } catch (err) {
    // A failed run has rolled back; try again after VERIFY_EVERY_MS, not every round.
    log.error(`reconcile: ${(err as Error).message}`);
  }
  // the hooks hear of it once the routes have changed: starting them never delays that
  announce(transitions, config.eventHooksDir);
  const pinned = countPinned(config);
  writeMetrics(config, want, record, pinned, log);
  return { record, memo: { fingerprint: wanted, verifiedAt: now, pinned } };
}

export function startingRecord(log: Log): HealthRecord {
  return readHealthRecord((text) => log.warn(text));
}
