// From what the probers heard to the next health record. Pure.
import type { Config } from '../config/types.js';
import type { UplinkState } from '../plan/uplink-state.js';
import { initialHealth, step, type HealthState, type Label, type Limits, type Outcome, type Quality, type TargetResult, type UplinkHealth } from './machine.js';
import { heard, lossPercent, windowStats, type TargetLog } from './window.js';
import type { ProbePlan } from './probers.js';
import { failWindowOf, healthKey, targetsOf } from '../plan/health-key.js';

/** Which uplinks to probe and how: those that are up with an address, and have carrier, and
 *  something to probe (targets, or the gateway or a point-to-point link's peer). */
export function probePlans(uplinks: readonly UplinkState[]): ProbePlan[] {
  return uplinks
    .filter((s) => s.status === 'up' && s.carrier !== false && s.address && (targetsOf(s).length > 0 || s.gateway || s.peer))
    .map((s) => ({
      device: healthKey(s),
      source: s.address as string,
      // a point-to-point link's other end stands in for the gateway
      targets: targetsOf(s).length > 0 ? targetsOf(s) : [(s.gateway ?? s.peer) as string],
      method: s.uplink.method,
      mark: s.uplink.mark,
    }));
}

/** Quality is judged only on a window that holds at least this share of the probes a full
 *  quality window holds: a short one misjudges (at 20% random loss, 2 of 5 probes are lost one
 *  time in five; `make bench` saw a link degraded for seconds at every check start with 5). */
const FULL_ENOUGH = 0.8;

/** The fewest probes per target that say something about quality. */
export function minSamples(qualityWindow: number, interval: number): number {
  return Math.max(5, Math.floor((FULL_ENOUGH * qualityWindow) / interval));
}

/** The uplink's quality: that of its reliability-th best target (the same number of targets
 *  that must answer at all), so one poor target among good ones degrades nothing. */
export function uplinkQuality(results: readonly TargetResult[], reliability: number, windowMs: number, fewest: number): Quality | undefined {
  const measured = results
    .flatMap((r) => {
      const lossPct = lossPercent(r);
      return r.sent >= fewest && lossPct !== undefined ? [{ lossPct, rttMs: r.rttMs, jitterMs: r.jitterMs }] : [];
    })
    .sort((a, b) => a.lossPct - b.lossPct || (a.rttMs ?? Infinity) - (b.rttMs ?? Infinity));
  const q = measured[reliability - 1];
  if (!q) return undefined;
  const rtt = q.rttMs === null ? '' : `, rtt ${Math.round(q.rttMs)} ms`;
  const jitter = q.jitterMs === undefined ? '' : `, jitter ${Math.round(q.jitterMs)} ms`;
  return { lossPct: q.lossPct, rttMs: q.rttMs, text: `loss ${Math.round(q.lossPct)}%${rtt}${jitter} over ${Math.round(windowMs / 100) / 10} s` };
}

/** Silent, pending or answering, from each target's last answer. */
export function judgeTargets(logs: readonly TargetLog[], reliability: number, failWindowMs: number, now: number): Outcome {
  let answered = 0;
  let pending = 0;
  for (const log of logs) {
    const h = heard(log, failWindowMs, now);
    if (h === 'answered') answered++;
    else if (h === 'pending') pending++;
  }
  if (answered >= reliability) return { kind: 'answering', detail: `${answered} of ${logs.length} targets answering` };
  if (answered + pending >= reliability) return { kind: 'pending' };
  const detail = logs
    .map((log) => {
      const h = heard(log, failWindowMs, now);
      const last = log.lastAnswerAt === undefined ? 'never answered' : `last answer ${Math.round((now - log.lastAnswerAt) / 100) / 10} s ago`;
      return `${log.target} ${h === 'answered' ? 'answering' : h === 'pending' ? 'not yet judged' : last}${h === 'silent' && log.error ? ` (${log.error})` : ''}`;
    })
    .join(', ');
  return { kind: 'silent', detail: `${answered} of ${logs.length} targets answered within ${failWindowMs / 1000} s: ${detail}` };
}

export interface Evaluation {
  uplinks: Record<string, UplinkHealth>;
  /** One per state change: the uplink, its new state, why, and the sentence for the log. */
  changes: { device: string; state: HealthState; cause: string; line: string }[];
}

export function evaluate(config: Config, states: readonly UplinkState[], logs: ReadonlyMap<string, readonly TargetLog[]>, previous: { uplinks: Readonly<Record<string, UplinkHealth>> }, now: number, label?: Label): Evaluation {
  const uplinks: Record<string, UplinkHealth> = {};
  const changes: Evaluation['changes'] = [];
  const c = config.check;
  const limits: Limits = { recoverWindow: c.recoverWindow, loss: c.loss, latency: c.latency, degraded: c.degraded, flapHold: c.flapHold, flapHoldMax: c.flapHoldMax };
  for (const s of states) {
    const device = healthKey(s);
    const prev = previous.uplinks[device] ?? initialHealth(now);
    const targetLogs = logs.get(device);
    // quality is measured over the quality window, but not from before the uplink last came back
    const from = Math.max(now - c.qualityWindow * 1000, prev.steadySince ?? 0);
    const probes = (targetLogs ?? []).map((log) => windowStats(log, from));
    let outcome: Outcome = { kind: 'unavailable' };
    if (s.status === 'up' && s.carrier === false) outcome = { kind: 'no-carrier' };
    else if (targetLogs) {
      outcome = judgeTargets(targetLogs, c.reliability, failWindowOf(s) * 1000, now);
      if (outcome.kind === 'answering') {
        const quality = uplinkQuality(probes, c.reliability, now - from, minSamples(c.qualityWindow, c.interval));
        if (quality) outcome.quality = quality;
      }
    }
    const { next, change } = step(prev, outcome, probes, limits, now, label);
    uplinks[device] = { ...next, transitions: (prev.transitions ?? 0) + (change ? 1 : 0) };
    if (change) changes.push({ device, state: next.state, cause: next.reason, line: `${device} ${change}` });
  }
  return { uplinks, changes };
}

/** Whether some probed uplink has a target still in its first failure window (probed for less
 *  than the window and never answered): it cannot be judged yet. */
export function undecided(states: readonly UplinkState[], logs: ReadonlyMap<string, readonly TargetLog[]>, now: number): boolean {
  return states.some((s) => (logs.get(healthKey(s)) ?? []).some((log) => heard(log, failWindowOf(s) * 1000, now) === 'pending'));
}

/** When the judgement could next change without a link event: when an uplink in the route
 *  would have been silent for its failure window (if no answer comes first), or when a
 *  pending target's first window ends. An uplink out of the route is looked at every probe
 *  interval, for its first answer and its recovery window. At most `idleMs` from now. */
export function nextJudgement(config: Config, states: readonly UplinkState[], logs: ReadonlyMap<string, readonly TargetLog[]>, record: { uplinks: Readonly<Record<string, UplinkHealth>> }, now: number, idleMs: number): number {
  let due = now + idleMs;
  for (const s of states) {
    const targetLogs = logs.get(healthKey(s));
    if (!targetLogs || targetLogs.length === 0) continue;
    const state = record.uplinks[healthKey(s)]?.state ?? 'up';
    if (state === 'draining' || state === 'recovering') {
      due = Math.min(due, now + config.check.interval * 1000);
      continue;
    }
    const windowMs = failWindowOf(s) * 1000;
    // each target counts until its last answer (or, before any, its first window) is a window old
    const until = targetLogs.map((log) => (log.lastAnswerAt ?? log.startedAt) + windowMs).sort((a, b) => b - a);
    const failsAt = until[Math.min(config.check.reliability, until.length) - 1];
    if (failsAt !== undefined) due = Math.min(due, failsAt);
  }
  return due;
}
