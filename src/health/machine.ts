// The per-uplink health state machine: hysteresis over probe rounds. Pure.

/** up: in the default route. draining: failed CHECK_DOWN rounds (or lost carrier), out of the
 *  default route but still probed. recovering: draining, but answering again; back in the
 *  route after CHECK_UP good rounds in a row. */
export type HealthState = 'up' | 'draining' | 'recovering';

/** What one round found: good or bad probes, no carrier, or not probed (down, no address). */
export type Outcome = 'good' | 'bad' | 'no-carrier' | 'unavailable';

export interface TargetResult {
  target: string;
  sent: number;
  received: number;
  /** Mean round-trip time of the answers, in milliseconds. */
  rttMs: number | null;
  error?: string;
}

export interface UplinkHealth {
  state: HealthState;
  /** Failed rounds in a row. */
  fails: number;
  /** Good rounds in a row. */
  goods: number;
  /** When the state last changed (ms since the epoch). */
  since: number;
  reason: string;
  probes: TargetResult[];
  /** State changes since the run directory was made (since boot): a Prometheus counter. */
  transitions?: number;
}

export interface Hysteresis {
  down: number;
  up: number;
}

export function initialHealth(now: number): UplinkHealth {
  return { state: 'up', fails: 0, goods: 0, since: now, reason: 'no failure seen', probes: [] };
}

export interface Step {
  next: UplinkHealth;
  /** A sentence for the log when the state changed. */
  change?: string;
}

export function step(prev: UplinkHealth, outcome: Outcome, detail: string, probes: TargetResult[], limits: Hysteresis, now: number): Step {
  if (outcome === 'unavailable') return { next: { ...prev, probes: [] } };
  const fails = outcome === 'good' ? 0 : prev.fails + 1;
  const goods = outcome === 'good' ? prev.goods + 1 : 0;
  const base = { ...prev, fails, goods, probes };
  const moved = (state: HealthState, reason: string): Step => ({
    next: { ...base, state, since: now, reason },
    change: `${state}: ${reason}`,
  });
  switch (prev.state) {
    case 'up':
      if (outcome === 'no-carrier') return moved('draining', 'no carrier');
      if (outcome === 'bad' && fails >= limits.down) return moved('draining', `${fails} failed rounds in a row (${detail})`);
      return { next: base };
    case 'draining':
      if (outcome === 'good') {
        if (goods >= limits.up) return moved('up', `${goods} good rounds in a row`);
        return moved('recovering', `answering again (${detail}), ${goods}/${limits.up} good rounds`);
      }
      return { next: outcome === 'no-carrier' ? { ...base, reason: 'no carrier' } : base };
    case 'recovering':
      if (outcome === 'good') {
        if (goods >= limits.up) return moved('up', `${goods} good rounds in a row`);
        return { next: { ...base, reason: `answering again, ${goods}/${limits.up} good rounds` } };
      }
      return moved('draining', outcome === 'no-carrier' ? 'no carrier' : `failed again while recovering (${detail})`);
  }
}

/** Drained uplinks stay out of the default route. */
function isDrained(health: UplinkHealth | undefined): boolean {
  return health !== undefined && health.state !== 'up';
}

/** The devices of a health record's uplinks that are drained. */
export function drainedDevices(uplinks: Readonly<Record<string, UplinkHealth>>): Set<string> {
  return new Set(Object.entries(uplinks).filter(([, h]) => isDrained(h)).map(([device]) => device));
}
