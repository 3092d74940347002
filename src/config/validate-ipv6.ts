// The IPv6 keys: IPV6_MODE (native: each uplink's own prefix and router, routed by source; off:
// uplink-lb leaves IPv6 alone), IFACE_GW6S (each uplink's IPv6 router: auto, from its router
// advertisements; an address; none: no IPv6 through this uplink) and IPV6_LAN (the LAN
// interfaces that get a /64 of each uplink's delegated prefix: the n-th LAN its n-th /64).
import type { RawValues } from './collect.js';
import { checkDevice, printable } from './checkers.js';
import { routerAddress6 } from './ipv6.js';
import { hostAddress } from './ipv4.js';
import { bad, ok } from '../util/result.js';
import type { Validator } from './validator.js';

export type Ipv6Mode = 'native' | 'off';
/** An uplink's IPv6 router: `auto` (its router advertisements), an address, or `none`. */
export type Router6 = 'auto' | 'none' | string;

export function validateIpv6(v: Validator, raw: RawValues, devices: readonly (string | undefined)[]): { mode: Ipv6Mode; routers: (Router6 | undefined)[]; lans: string[] } {
  const count = devices.length;
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
      if (!('problem' in address)) return address;
      if ('value' in hostAddress(text)) return bad(`${printable(text)} is an IPv4 address, and IFACE_GW6S takes the uplink's IPv6 router (auto, none, or its address; the IPv4 gateway goes in IFACE_GWS)`);
      return bad(`${printable(text)} ${address.problem} (auto, none, or the IPv6 router's address)`);
    },
    fallback: () => 'auto',
  });
  const lans: string[] = [];
  for (const [i, text] of (raw.IPV6_LAN?.values ?? []).entries()) {
    const device = checkDevice(text);
    if ('problem' in device) v.report('IPV6_LAN', `IPV6_LAN[${i}]: ${device.problem}`);
    else if (devices.includes(device.value)) v.report('IPV6_LAN', `IPV6_LAN[${i}]: ${printable(text)} is an uplink (IFACE_DEVICE), not a LAN`);
    else if (lans.includes(device.value)) v.report('IPV6_LAN', `IPV6_LAN[${i}]: ${printable(text)} is named twice`);
    else lans.push(device.value);
  }
  if (lans.length > 0 && mode === 'off') v.report('IPV6_LAN', 'IPV6_LAN: LAN prefixes need IPV6_MODE=native (it is off)');
  return { mode, routers, lans };
}
