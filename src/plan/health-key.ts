// Which side of an uplink the health check judges, and under which name. The IPv4 side is judged
// by its targets (or its gateway) under the device's name; an IPv6 side that has IPv6 targets of
// its own is judged on its own, as DEVICE/ipv6 (an ISP whose IPv6 is broken while its IPv4
// works loses only its IPv6 side), and one without follows its device's verdict. Pure.
import type { UplinkState } from './uplink-state.js';

export const IPV6_SIDE = '/ipv6';

/** The health record's name for the side: the device, or DEVICE/ipv6. */
export function healthKey(s: UplinkState): string {
  return s.family === 'inet6' && s.uplink.targets6.length > 0 ? `${s.uplink.device}${IPV6_SIDE}` : s.uplink.device;
}

/** The side's probe targets (empty: its gateway). */
export const targetsOf = (s: UplinkState): string[] => (s.family === 'inet6' ? s.uplink.targets6 : s.uplink.targets);

/** Seconds without answers that fail the side. */
export const failWindowOf = (s: UplinkState): number => (s.family === 'inet6' ? s.uplink.failWindow6 : s.uplink.failWindow);

/** The sides the health check judges: every uplink's IPv4 side, and the IPv6 sides with IPv6
 *  targets of their own. */
export function judgedSides(uplinks: readonly UplinkState[]): UplinkState[] {
  return uplinks.flatMap((s) => (s.inet6 && s.uplink.targets6.length > 0 ? [s, s.inet6] : [s]));
}
