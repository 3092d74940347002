// The sysctls uplink-lb sets. Per uplink: ignore_routes_with_linkdown=1 (both families), so that
// the kernel itself skips an uplink's nexthop the moment it loses carrier, between health rounds
// (it only works when set before the loss, hence on every run); and for IPv6, accept_ra=2 where
// the uplink forwards and accepts router advertisements (1 ignores them on a forwarding
// interface, and the advertisements name the uplink's IPv6 router). Global, only when the
// configuration asks: the multipath hash policy (HASH_POLICY).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Family } from './types.js';

const proc = (family: Family, name: string): string => `/proc/sys/net/${family === 'inet6' ? 'ipv6' : 'ipv4'}/${name}`;

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined; // no such device (yet), or no such family
  }
}

/** Sets the sysctl at `path` to `value` where it exists and differs; returns whether it did. */
function ensure(path: string, value: string): boolean {
  const current = read(path);
  if (current === undefined || current === value) return false;
  writeFileSync(path, `${value}\n`);
  return true;
}

/** Sets ignore_routes_with_linkdown=1 on each existing device of each family where it is not
 *  yet; returns the sysctls it changed, by name. */
export function ignoreLinkdownRoutes(devices: readonly string[], families: readonly Family[] = ['inet']): string[] {
  const changed: string[] = [];
  for (const family of families) {
    for (const device of devices) {
      if (ensure(proc(family, `conf/${device}/ignore_routes_with_linkdown`), '1')) changed.push(`net.${family === 'inet6' ? 'ipv6' : 'ipv4'}.conf.${device}.ignore_routes_with_linkdown=1`);
    }
  }
  return changed;
}

/** IPv6: accept_ra=2 on each uplink that forwards and has accept_ra=1 (0, an administrator's
 *  choice, is left as it is); returns the sysctls it changed. */
export function acceptRaWhileForwarding(devices: readonly string[]): string[] {
  const changed: string[] = [];
  for (const device of devices) {
    if (read(proc('inet6', `conf/${device}/forwarding`)) !== '1' || read(proc('inet6', `conf/${device}/accept_ra`)) !== '1') continue;
    if (ensure(proc('inet6', `conf/${device}/accept_ra`), '2')) changed.push(`net.ipv6.conf.${device}.accept_ra=2`);
  }
  return changed;
}

export function readHashPolicy(family: Family = 'inet'): number | undefined {
  const value = read(proc(family, 'fib_multipath_hash_policy'));
  return value === undefined ? undefined : Number(value);
}

/** Sets the family's fib_multipath_hash_policy; returns whether it changed. */
export function setHashPolicy(value: number, family: Family = 'inet'): boolean {
  return ensure(proc(family, 'fib_multipath_hash_policy'), String(value));
}
