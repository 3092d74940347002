// Which uplinks carry each traffic policy now: the first of its tiers that has a usable uplink.
// PIN entries are policies of one uplink, ahead of the POLICY entries; the resolvers' pins come
// first of all. Pure.
import type { Config, Pin, Policy } from '../config/types.js';
import { scaledWeights } from './weights.js';
import { ipv6Policy } from '../config/validate-policy.js';

/** The most a policy's draw may scale a weight to (100 x 4: the nftables map stays small). */
const MAX_DRAW_WEIGHT = 400;

export interface PolicyChoice {
  policy: Policy;
  /** The tier (0-based) that carries its new connections, undefined when no tier has a usable
   *  uplink (then the connections are refused when the policy is strict, or left to the
   *  default route). */
  tier?: number;
  /** That tier's usable uplinks, with their share of the draw. */
  members: { device: string; mark: number; weight: number }[];
}

function pinPolicy(pin: Pin, index: number): Policy {
  return {
    match: { ...(pin.destination ? { to: pin.destination } : {}), ...(pin.protocol ? { protocol: pin.protocol } : {}), ...(pin.port !== undefined ? { ports: [pin.port, pin.port] as [number, number] } : {}) },
    tiers: [[{ uplink: pin.uplink, weight: 1 }]],
    strict: pin.strict,
    name: `PIN[${index}]`,
    text: pin.text,
  };
}

/** Every policy in the order nftables tries them: the resolvers' pins (plan/resolver-pins.ts),
 *  the pins, then POLICY. */
function allPolicies(config: Config, resolvers: readonly Policy[]): Policy[] {
  return [...resolvers, ...config.pins.map(pinPolicy), ...config.policies];
}

/** `usable`: the uplinks that may carry new connections (healthy, or kept in the route by fail
 *  open; on standby or not); `usable6`: those whose IPv6 side may, for the IPv6 policies.
 *  `shares`: the share of its weight a degraded uplink keeps. `resolvers`: the pins of each
 *  uplink's own resolvers (plan/resolver-pins.ts). */
export function choosePolicies(config: Config, usable: ReadonlySet<string>, shares: ReadonlyMap<string, number>, resolvers: readonly Policy[] = [], usable6: ReadonlySet<string> = usable): PolicyChoice[] {
  return allPolicies(config, resolvers).map((policy) => {
    const carries = ipv6Policy(policy) ? usable6 : usable;
    for (const [tier, members] of policy.tiers.entries()) {
      const live = members.flatMap((m) => {
        const uplink = config.uplinks[m.uplink];
        return uplink && carries.has(uplink.device) ? [{ uplink, weight: m.weight }] : [];
      });
      if (live.length === 0) continue;
      const weights = scaledWeights(live.map((m) => m.weight), live.map((m) => shares.get(m.uplink.device) ?? 1), MAX_DRAW_WEIGHT);
      return { policy, tier, members: live.map((m, i) => ({ device: m.uplink.device, mark: m.uplink.mark, weight: weights[i] as number })) };
    }
    return { policy, members: [] };
  });
}
