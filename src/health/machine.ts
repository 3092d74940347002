// The per-uplink health state machine, driven by what the probes heard over sliding windows
// of time. Pure.
import { epochIso } from '../util/clock.js';
import type { Threshold } from '../config/types.js';

/** up: in the default route. degraded: answering, but its loss or round trip is past the
 *  failure values: in the route with a lowered weight, or out of it (CHECK_DEGRADED=drain).
 *  draining: silent for the failure window (or lost carrier), out of the default route but
 *  still probed. recovering: draining, but answering again; back in the route after
 *  answering steadily for the recovery window. */
export type HealthState = 'up' | 'degraded' | 'draining' | 'recovering';

/** An uplink's link quality over the window: the measures of its reliability-th best target. */
export interface Quality {
  lossPct: number;
  rttMs: number | null;
  /** "loss 45%, rtt 230 ms over 10 s", for messages. */
  text: string;
}

/** What the probes say at one moment. */
export type Outcome =
  /** Not probed: down, no address or gateway. */
  | { kind: 'unavailable' }
  | { kind: 'no-carrier' }
  /** Too few targets answered within the failure window. */
  | { kind: 'silent'; detail: string }
  /** Probed for less than the failure window: nothing to conclude yet. */
  | { kind: 'pending' }
  /** Enough targets answered within the failure window; quality when there are enough samples. */
  | { kind: 'answering'; detail: string; quality?: Quality };

export interface TargetResult {
  target: string;
  sent: number;
  received: number;
  /** Mean round-trip time of the answers, in milliseconds. */
  rttMs: number | null;
  /** Jitter: the answers' mean deviation from that mean, in milliseconds; absent with fewer
   *  than two answers. */
  jitterMs?: number;
  error?: string;
}

export interface UplinkHealth {
  state: HealthState;
  /** When the state last changed (ms since the epoch). */
  since: number;
  reason: string;
  /** Per target, over the quality window. */
  probes: TargetResult[];
  /** Since when the uplink has answered without a failure (set when it starts recovering):
   *  its quality is measured from then, so an outage does not count as loss afterwards. */
  steadySince?: number;
  /** Degraded: the share of its weight it keeps (0: drained). */
  factor?: number;
  /** State changes since the run directory was made (since boot): a Prometheus counter. */
  transitions?: number;
  /** Failures remembered for flap damping (one is forgiven per FLAP_MEMORY_MS), and when the
   *  last one was. */
  flaps?: number;
  lastFlap?: number;
  /** A flapping uplink stays out of the route until then, however well it answers. */
  holdUntil?: number;
  /** On standby since then (a better tier is usable), and when the connections still pinned
   *  to it were released (IFACE_FAILBACK_RELEASE). */
  standbySince?: number;
  standbyReleased?: number;
  /** A router of a pair: out of the route since then (failed, or its link gone), and when the
   *  connections pinned to it were released, or found not this router's to release
   *  (pipeline/pair-release.ts). */
  outSince?: number;
  outReleased?: number;
}

export interface Limits {
  /** Seconds a recovering uplink must answer steadily. */
  recoverWindow: number;
  loss: Threshold;
  latency: Threshold;
  degraded: 'weight' | 'drain';
  /** Flap damping: seconds a second failure holds the uplink out (doubling with each further
   *  one, up to flapHoldMax); 0 or absent turns it off. */
  flapHold?: number;
  flapHoldMax?: number;
}

/** A remembered failure is forgiven after this long (flap damping's decay). */
export const FLAP_MEMORY_MS = 10 * 60_000;

/** The failures still remembered at `now`, one forgiven per FLAP_MEMORY_MS since the last. */
function remembered(prev: UplinkHealth, now: number): number {
  if (!prev.flaps || prev.lastFlap === undefined) return 0;
  return Math.max(0, prev.flaps - Math.floor((now - prev.lastFlap) / FLAP_MEMORY_MS));
}

/** How long the `flaps`-th remembered failure holds the uplink out, in ms (0: not at all). */
export function holdDownMs(flaps: number, limits: Pick<Limits, 'flapHold' | 'flapHoldMax'>): number {
  const hold = limits.flapHold ?? 0;
  if (hold <= 0 || flaps < 2) return 0;
  return Math.min(hold * 2 ** (flaps - 2), limits.flapHoldMax ?? hold) * 1000;
}

export function initialHealth(now: number): UplinkHealth {
  return { state: 'up', since: now, reason: 'no failure seen', probes: [] };
}

/** Past a failure value: degraded. */
function isPoor(q: Quality, limits: Limits): boolean {
  if (limits.loss.fail > 0 && q.lossPct >= limits.loss.fail) return true;
  return limits.latency.fail > 0 && q.rttMs !== null && q.rttMs > limits.latency.fail;
}

/** Within every recovery value: good again. */
function isGood(q: Quality, limits: Limits): boolean {
  if (limits.loss.fail > 0 && q.lossPct > limits.loss.recover) return false;
  return limits.latency.fail <= 0 || q.rttMs === null || q.rttMs <= limits.latency.recover;
}

/** A share changes only when the measure has moved this far past the quarter it is in. */
const SHARE_HYSTERESIS = 0.05;

/** The share of its weight a degraded uplink keeps: the share of probes answered, times the
 *  recovery latency over the measured one when that is higher; in quarters, at least a
 *  quarter, and kept (`current`) while the measure stays within 0.05 of its quarter, so a
 *  measure that wavers about a boundary does not rewrite the route every moment. 0 when
 *  drained. */
export function weightFactor(q: Quality, limits: Limits, current?: number): number {
  if (limits.degraded === 'drain') return 0;
  let f = 1 - q.lossPct / 100;
  if (limits.latency.fail > 0 && q.rttMs !== null && q.rttMs > limits.latency.recover && limits.latency.recover > 0) f *= limits.latency.recover / q.rttMs;
  if (current !== undefined && current > 0 && f >= current - SHARE_HYSTERESIS && f < current + 0.25 + SHARE_HYSTERESIS) return current;
  return Math.max(0.25, Math.floor(f * 4) / 4);
}

export interface Step {
  next: UplinkHealth;
  /** A sentence for the log when the state changed. */
  change?: string;
}

const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** A moment of the record's clock as text for people (the check passes the monotonic clock's
 *  moments as today's wall time; tests' moments are wall times already). */
export type Label = (ms: number) => string;

export function step(prev: UplinkHealth, outcome: Outcome, probes: TargetResult[], limits: Limits, now: number, label: Label = epochIso): Step {
  if (outcome.kind === 'unavailable') return { next: { ...prev, probes: [] } };
  const base: UplinkHealth = { ...prev, probes };
  if (outcome.kind === 'pending') return { next: base };
  const moved = (state: HealthState, reason: string, extra: Partial<UplinkHealth> = {}): Step => {
    const next: UplinkHealth = { ...base, state, since: now, reason, ...extra };
    if (state !== 'degraded') delete next.factor;
    return { next, change: `${state}: ${reason}` };
  };
  /** Leaving the route: one more remembered failure, and perhaps a hold-down. */
  const failed = (reason: string): Step => {
    const flaps = remembered(prev, now) + 1;
    const hold = holdDownMs(flaps, limits);
    const held = hold > 0 ? `; flapping (${flaps} failures in ${FLAP_MEMORY_MS / 60_000} min): held out until ${label(now + hold)}` : '';
    const step = moved('draining', `${reason}${held}`, { flaps, lastFlap: now });
    delete step.next.holdUntil;
    delete step.next.steadySince;
    if (hold > 0) step.next.holdUntil = now + hold;
    return step;
  };
  /** In the route (or coming back to it, for `cause`), judged on its quality: degraded past a
   *  failure value, up again within every recovery value. */
  const byQuality = (quality: Quality | undefined, cause: string): Step => {
    if (prev.state === 'degraded') {
      if (quality === undefined) return { next: base };
      if (isGood(quality, limits)) return moved('up', `quality recovered: ${quality.text}`);
      return { next: { ...base, factor: weightFactor(quality, limits, prev.factor), reason: quality.text } };
    }
    if (quality !== undefined && isPoor(quality, limits)) return moved('degraded', cause === '' ? quality.text : `${quality.text}; ${cause}`, { factor: weightFactor(quality, limits) });
    return prev.state === 'up' ? { next: base } : moved('up', cause);
  };
  /** Steady for the recovery window: back, unless a hold-down still runs. */
  const back = (quality: Quality | undefined, steadyMs: number): Step => {
    if (prev.holdUntil !== undefined && now < prev.holdUntil) {
      return { next: { ...base, reason: `answering steadily for ${seconds(steadyMs)}, but held out until ${label(prev.holdUntil)} (flapping)` } };
    }
    const step = byQuality(quality, `answered steadily for ${seconds(steadyMs)}`);
    delete step.next.holdUntil;
    return step;
  };
  switch (prev.state) {
    case 'up':
    case 'degraded':
      if (outcome.kind === 'no-carrier') return failed('no carrier');
      if (outcome.kind === 'silent') return failed(outcome.detail);
      return byQuality(outcome.quality, '');
    case 'draining':
      if (outcome.kind === 'answering') {
        if (limits.recoverWindow <= 0) return back(outcome.quality, 0);
        return moved('recovering', `answering again (${outcome.detail})`, { steadySince: now });
      }
      return { next: outcome.kind === 'no-carrier' ? { ...base, reason: 'no carrier' } : base };
    case 'recovering': {
      if (outcome.kind !== 'answering') return moved('draining', outcome.kind === 'no-carrier' ? 'no carrier' : `failed again while recovering (${outcome.detail})`);
      const steadyMs = now - (prev.steadySince ?? prev.since);
      if (steadyMs >= limits.recoverWindow * 1000) return back(outcome.quality, steadyMs);
      return { next: { ...base, reason: `answering again, steady for ${seconds(steadyMs)} of ${limits.recoverWindow} s` } };
    }
  }
}

/** Out of the default route: failed, not yet recovered, or degraded with CHECK_DEGRADED=drain. */
function isDrained(health: UplinkHealth | undefined): boolean {
  if (health === undefined || health.state === 'up') return false;
  return health.state !== 'degraded' || !health.factor;
}

/** The devices of a health record's uplinks that are drained. */
export function drainedDevices(uplinks: Readonly<Record<string, UplinkHealth>>): Set<string> {
  return new Set(Object.entries(uplinks).filter(([, h]) => isDrained(h)).map(([device]) => device));
}

/** The degraded uplinks that stay in the route, with the share of their weight they keep. */
export function weightFactors(uplinks: Readonly<Record<string, UplinkHealth>>): Map<string, number> {
  return new Map(Object.entries(uplinks).flatMap(([device, h]) => (h.state === 'degraded' && h.factor ? [[device, h.factor] as const] : [])));
}
