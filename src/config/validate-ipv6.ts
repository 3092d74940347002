// The IPv6 keys: IPV6_MODE (native: each uplink's own prefix and router, routed by source; off:
// uplink-lb leaves IPv6 alone) and IFACE_GW6S (each uplink's IPv6 router: auto, from its
// router advertisements; an address; none: no IPv6 through this uplink).
import type { RawValues } from './collect.js';
import { printable } from './checkers.js';
import { routerAddress6 } from './ipv6.js';
import { bad, ok } from '../util/result.js';
import type { Validator } from './validator.js';

export type Ipv6Mode = 'native' | 'off';
/** An uplink's IPv6 router: `auto` (its router advertisements), an address, or `none`. */
export type Router6 = 'auto' | 'none' | string;

export function validateIpv6(v: Validator, raw: RawValues, count: number): { mode: Ipv6Mode; routers: (Router6 | undefined)[] } {
  let mode: Ipv6Mode = 'native';
  const modeRaw = raw.IPV6_MODE?.values[0];
  if (modeRaw !== undefined) {
    if (modeRaw === 'native' || modeRaw === 'off') mode = modeRaw;
    else v.report('IPV6_MODE', `IPV6_MODE: ${printable(modeRaw)} is not native (each uplink's own prefix, routed by source) or off (IPv6 left alone)`);
  }
  const routers = v.column<Router6>(count, {
    key: 'IFACE_GW6S',
    check: (text) => {
      if (text === 'auto' || text === 'none') return ok(text);
      const address = routerAddress6(text);
      return 'problem' in address ? bad(`${printable(text)} ${address.problem} (auto, none, or the IPv6 router's address)`) : address;
    },
    fallback: () => 'auto',
  });
  return { mode, routers };
}
