// From one round's probe results to the next health record. Pure.
import type { Config } from '../config/types.js';
import type { UplinkState } from '../plan/desired.js';
import { initialHealth, step, type HealthState, type Outcome, type TargetResult, type UplinkHealth } from './machine.js';
import { judge, type ProbePlan } from './round.js';

/** Which uplinks to probe and how: those that are up with an address, and have carrier. */
export function probePlans(uplinks: readonly UplinkState[]): ProbePlan[] {
  return uplinks
    .filter((s) => s.status === 'up' && s.carrier !== false && s.address && s.gateway)
    .map((s) => ({
      device: s.uplink.device,
      source: s.address as string,
      targets: s.uplink.targets.length > 0 ? s.uplink.targets : [s.gateway as string],
      method: s.uplink.method,
    }));
}

export interface Evaluation {
  uplinks: Record<string, UplinkHealth>;
  /** One per state change: the uplink, its new state, why, and the sentence for the log. */
  changes: { device: string; state: HealthState; cause: string; line: string }[];
}

export function evaluateRound(config: Config, states: readonly UplinkState[], results: ReadonlyMap<string, TargetResult[]>, previous: { uplinks: Readonly<Record<string, UplinkHealth>> }, now: number): Evaluation {
  const uplinks: Record<string, UplinkHealth> = {};
  const changes: Evaluation['changes'] = [];
  for (const s of states) {
    const device = s.uplink.device;
    const prev = previous.uplinks[device] ?? initialHealth(now);
    let outcome: Outcome = 'unavailable';
    let detail = s.reason;
    const probes = results.get(device) ?? [];
    if (s.status === 'up' && s.carrier === false) outcome = 'no-carrier';
    else if (results.has(device)) {
      const verdict = judge(probes, config.check.reliability);
      outcome = verdict.good ? 'good' : 'bad';
      detail = verdict.detail;
    }
    const { next, change } = step(prev, outcome, detail, probes, config.check, now);
    uplinks[device] = { ...next, transitions: (prev.transitions ?? 0) + (change ? 1 : 0) };
    if (change) changes.push({ device, state: next.state, cause: next.reason, line: `${device} ${change}` });
  }
  return { uplinks, changes };
}
