// The IPv6 keys: IPV6_MODE (native: each uplink's own prefix and router, routed by source;
// translated: the LAN keeps one prefix, IPV6_LAN_PREFIX, translated to each uplink's delegated
// prefix on the way out, and balanced, pinned and failed over as IPv4 is; off: uplink-lb leaves
// IPv6 alone), IFACE_GW6S (each uplink's IPv6 router: auto, from its router advertisements; an
// address; none: no IPv6 through this uplink), IPV6_LAN (native mode: the LAN interfaces that
// get a /64 of each uplink's delegated prefix, the n-th LAN its n-th /64) and RADVD_CONF (radvd's
// configuration, where uplink-lb lists those /64s in each LAN's interface block).
import type { RawValues } from './collect.js';
import { checkDevice, isFilePath, printable } from './checkers.js';
import { prefix6, routerAddress6 } from './ipv6.js';
import { hostAddress } from './ipv4.js';
import { bad, ok } from '../util/result.js';
import type { Validator } from './validator.js';

export type Ipv6Mode = 'native' | 'translated' | 'off';
/** An uplink's IPv6 router: `auto` (its router advertisements), an address, or `none`. */
export type Router6 = 'auto' | 'none' | string;

export function validateIpv6(v: Validator, raw: RawValues, devices: readonly (string | undefined)[]): { mode: Ipv6Mode; routers: (Router6 | undefined)[]; lans: string[]; lanPrefix?: string; radvdConf?: string } {
  const count = devices.length;
  let mode: Ipv6Mode = 'native';
  const modeRaw = raw.IPV6_MODE?.values[0];
  if (modeRaw !== undefined) {
    if (modeRaw === 'native' || modeRaw === 'off' || modeRaw === 'translated') mode = modeRaw;
    else v.report('IPV6_MODE', `IPV6_MODE: ${printable(modeRaw)} is not native (each uplink's own prefix, routed by source), translated (the LAN's one prefix, IPV6_LAN_PREFIX, translated to each uplink's) or off (IPv6 left alone)`);
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
  if (lans.length > 0 && mode !== 'native') v.report('IPV6_LAN', `IPV6_LAN: a /64 of each uplink's prefix on the LAN is native mode's (IPV6_MODE is ${mode}${mode === 'translated' ? ': the LAN keeps IPV6_LAN_PREFIX' : ''})`);
  const lanPrefix = lanPrefixOf(v, raw.IPV6_LAN_PREFIX?.values[0], mode);
  const radvdConf = radvdConfOf(v, raw.RADVD_CONF?.values[0], lans);
  return { mode, routers, lans, ...(lanPrefix ? { lanPrefix } : {}), ...(radvdConf ? { radvdConf } : {}) };
}

/** RADVD_CONF: `no` (the default: dnsmasq's constructor, or an RA daemon that follows the
 *  addresses' lifetimes, announces the LAN's prefixes) or the path of radvd's configuration. */
function radvdConfOf(v: Validator, text: string | undefined, lans: readonly string[]): string | undefined {
  if (text === undefined || text === 'no') return undefined;
  if (!isFilePath(text)) {
    v.report('RADVD_CONF', `RADVD_CONF: ${printable(text)} is not no or the absolute path of radvd's configuration (such as /etc/radvd.conf)`);
    return undefined;
  }
  if (lans.length === 0) {
    v.report('RADVD_CONF', 'RADVD_CONF: radvd announces the LAN prefixes of IPV6_LAN, which names none');
    return undefined;
  }
  return text;
}

/** IPV6_LAN_PREFIX: the LAN's own /64 (a ULA, or one of an ISP's), translated to each uplink's;
 *  needed by translated mode and by nothing else. */
function lanPrefixOf(v: Validator, text: string | undefined, mode: Ipv6Mode): string | undefined {
  if (text === undefined) {
    if (mode === 'translated') v.report('IPV6_MODE', 'IPV6_MODE: translated needs IPV6_LAN_PREFIX, the LAN\'s own /64 (a ULA such as fd12:3456:789a:1::/64)');
    return undefined;
  }
  const prefix = prefix6(text);
  if ('problem' in prefix) {
    v.report('IPV6_LAN_PREFIX', `IPV6_LAN_PREFIX: ${printable(text)} ${prefix.problem}`);
    return undefined;
  }
  if (prefix.value.length !== 64) {
    v.report('IPV6_LAN_PREFIX', `IPV6_LAN_PREFIX: ${printable(text)} is a /${prefix.value.length}; the LAN's prefix is one /64, translated to the first /64 of each uplink's delegated prefix`);
    return undefined;
  }
  if (mode !== 'translated') {
    v.report('IPV6_LAN_PREFIX', `IPV6_LAN_PREFIX: the LAN's translated prefix needs IPV6_MODE=translated (it is ${mode})`);
    return undefined;
  }
  return `${prefix.value.network}/64`;
}
