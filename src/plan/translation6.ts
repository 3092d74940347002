// IPv6 translated mode: what the LAN's prefix (IPV6_LAN_PREFIX) becomes through each uplink with
// an IPv6 side: the first /64 of its delegated prefix, or, where its ISP delegated none, the
// uplink's own address (masquerade). nft-ruleset.ts writes the rules. Pure.
import { prefix6, subnet64 } from '../config/ipv6.js';
import type { Config } from '../config/types.js';
import type { Translation6 } from './nft-ruleset.js';
import type { UplinkState } from './uplink-state.js';

export function translation6(config: Config, uplinks: readonly UplinkState[]): Translation6 {
  const to = (s: UplinkState): string | undefined => {
    const first = prefix6(s.inet6?.delegated?.[0] ?? '');
    const subnet = 'value' in first ? subnet64(first.value.network, first.value.length, 0) : undefined;
    return subnet ? `${subnet.network}/64` : undefined;
  };
  return {
    lan: config.lanPrefix6 ?? '',
    uplinks: uplinks.flatMap((s) => {
      if (!s.inet6) return [];
      const prefix = to(s);
      return [{ device: s.uplink.device, ...(prefix ? { to: prefix } : {}) }];
    }),
  };
}
