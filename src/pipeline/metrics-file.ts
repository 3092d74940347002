// The metrics file a check round writes into node_exporter's textfile directory (METRICS_DIR),
// and the pinned-connection counts it carries.
import { existsSync } from 'node:fs';
import type { Config } from '../config/types.js';
import { countMark } from '../kernel/conntrack.js';
import type { Desired } from '../plan/desired.js';
import { formatMetrics } from '../report/metrics.js';
import type { HealthRecord } from '../state/health.js';
import { readLastApply } from '../state/last-apply.js';
import { writeAtomic } from '../state/rundir.js';
import { sayOnce } from '../state/said-once.js';
import type { Log } from '../util/log.js';
import { readHaRole } from '../state/ha-role.js';
import { readHaSync } from '../state/ha-sync.js';
import { bootId } from '../util/clock.js';

/** The metrics file in node_exporter's textfile directory (it reads *.prom; the temporary file
 *  of the atomic write is not one), readable by the node_exporter user. */
export function writeMetrics(config: Config, want: Desired, record: HealthRecord, pinned: ReadonlyMap<string, number>, log: Log): void {
  const dir = config.metricsDir;
  if (!dir) return;
  if (!existsSync(dir)) {
    sayOnce('metrics-dir-missing', `METRICS_DIR ${dir} does not exist: no metrics written (apt-get install prometheus-node-exporter, or create it)`, log);
    return;
  }
  try {
    writeAtomic(`${dir}/uplink-lb.prom`, formatMetrics(want, { health: record, lastApply: readLastApply(), pinned, ...pairFacts(config) }), 0o644);
  } catch (err) {
    sayOnce('metrics-write-failed', `METRICS_DIR ${dir}: writing uplink-lb.prom failed (${(err as Error).message})`, log);
  }
}

/** A router of a pair: its role and its synchronisation, as recorded. */
function pairFacts(config: Config): { pair?: { master: boolean; syncWorking?: boolean } } {
  if (!config.ha) return {};
  const sync = config.ha.conntrackdConf ? readHaSync() : undefined;
  return { pair: { master: readHaRole()?.role === 'MASTER', ...(sync && sync.boot === bootId() ? { syncWorking: sync.working } : {}) } };
}

/** Tracked connections per uplink, when pinning is on and conntrack is there. */
export function countPinned(config: Config): Map<string, number> {
  const counts = new Map<string, number>();
  if (!config.pinning || !config.metricsDir) return counts;
  for (const u of config.uplinks) {
    const count = countMark(u.mark);
    if (count !== null) counts.set(u.device, count);
  }
  return counts;
}

