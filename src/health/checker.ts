// The probing loop of `uplink-lb check`: a round every CHECK_INTERVAL seconds until the
// deadline; each round observes, probes, updates the health record and reconciles when the
// default route must change.
import type { Config } from '../config/types.js';
import { observe } from '../kernel/observe.js';
import { desired } from '../plan/desired.js';
import { diff } from '../plan/diff.js';
import { reconcile } from '../pipeline/reconcile.js';
import { readLeases } from '../state/rundir.js';
import type { Log } from '../util/log.js';
import { evaluateRound, probePlans } from './evaluate.js';
import { isDrained } from './machine.js';
import { readHealthRecord, writeHealthRecord, type HealthRecord } from './record.js';
import { probeRound } from './round.js';

export interface RoundReport {
  record: HealthRecord;
  /** Milliseconds the probes took. */
  probeMs: number;
  reconciled: boolean;
}

/** One round. `config` is read fresh by the caller, so edits take effect at the next round. */
export async function checkRound(config: Config, log: Log, previous: HealthRecord): Promise<RoundReport> {
  const observed = observe();
  const leases = readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const drainedBefore = new Set(Object.entries(previous.uplinks).filter(([, h]) => isDrained(h)).map(([d]) => d));
  const states = desired(config, observed, { leases, drained: drainedBefore }).uplinks;
  const started = performance.now();
  const results = await probeRound(probePlans(states), config.check);
  const probeMs = performance.now() - started;
  const now = Date.now();
  const { uplinks, changes } = evaluateRound(config, states, results, previous, now);
  for (const change of changes) log.warn(change);
  const drained = new Set(Object.entries(uplinks).filter(([, h]) => isDrained(h)).map(([d]) => d));
  const want = desired(config, observed, { leases, drained });
  if (want.failOpen && !previous.failOpen) log.error('fail open: every uplink fails its probes; the probe targets are the likelier culprits, so all uplinks stay in the default route');
  if (!want.failOpen && previous.failOpen) log.warn('fail open ended: routing by health again');
  const record: HealthRecord = { version: 1, updated: now, failOpen: want.failOpen, uplinks };
  writeHealthRecord(record);
  let reconciled = false;
  if (diff(want, observed).changes.length > 0) {
    reconcile(config, log);
    reconciled = true;
  }
  return { record, probeMs, reconciled };
}

export function startingRecord(log: Log): HealthRecord {
  return readHealthRecord((text) => log.warn(text));
}
