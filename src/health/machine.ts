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
  /** Jitter: the answers' mean deviation from that mean (ping's mdev), in milliseconds; absent
   *  with fewer than two answers. */
  jitterMs?: number;
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
  /** Failures remembered for flap damping (one is forgiven per FLAP_MEMORY_MS), and when the
   *  last one was. */
  flaps?: number;
  lastFlap?: number;
  /** A flapping uplink stays out of the route until then, however well it answers. */
  holdUntil?: number;
}

export interface Hysteresis {
  down: number;
  up: number;
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
export function holdDownMs(flaps: number, limits: Hysteresis): number {
  const hold = limits.flapHold ?? 0;
  if (hold <= 0 || flaps < 2) return 0;
  return Math.min(hold * 2 ** (flaps - 2), limits.flapHoldMax ?? hold) * 1000;
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
  /** Leaving the route: one more remembered failure, and perhaps a hold-down. */
  const failed = (reason: string): Step => {
    const flaps = remembered(prev, now) + 1;
    const hold = holdDownMs(flaps, limits);
    const step = moved('draining', reason);
    const next: UplinkHealth = { ...step.next, flaps, lastFlap: now };
    delete next.holdUntil;
    if (hold > 0) next.holdUntil = now + hold;
    const held = hold > 0 ? `; flapping (${flaps} failures in ${FLAP_MEMORY_MS / 60_000} min): held out until ${new Date(now + hold).toISOString()}` : '';
    return { next: { ...next, reason: `${reason}${held}` }, change: `draining: ${reason}${held}` };
  };
  /** Enough good rounds: back, unless a hold-down still runs. */
  const backUnlessHeld = (goods: number): Step => {
    if (prev.holdUntil !== undefined && now < prev.holdUntil) {
      const reason = `answering again, ${goods} good round${goods === 1 ? '' : 's'}, but held out until ${new Date(prev.holdUntil).toISOString()} (flapping)`;
      return prev.state === 'recovering' ? { next: { ...base, reason } } : moved('recovering', reason);
    }
    const step = moved('up', `${goods} good rounds in a row`);
    delete step.next.holdUntil;
    return step;
  };
  switch (prev.state) {
    case 'up':
      if (outcome === 'no-carrier') return failed('no carrier');
      if (outcome === 'bad' && fails >= limits.down) return failed(`${fails} failed rounds in a row (${detail})`);
      return { next: base };
    case 'draining':
      if (outcome === 'good') {
        if (goods >= limits.up) return backUnlessHeld(goods);
        return moved('recovering', `answering again (${detail}), ${goods}/${limits.up} good rounds`);
      }
      return { next: outcome === 'no-carrier' ? { ...base, reason: 'no carrier' } : base };
    case 'recovering':
      if (outcome === 'good') {
        if (goods >= limits.up) return backUnlessHeld(goods);
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
