// Per-uplink sysctls uplink-lb sets: ignore_routes_with_linkdown=1, so that the kernel itself
// skips an uplink's nexthop the moment it loses carrier, between health rounds. It only
// works when set before the loss, hence on every run.
import { readFileSync, writeFileSync } from 'node:fs';

const path = (device: string): string => `/proc/sys/net/ipv4/conf/${device}/ignore_routes_with_linkdown`;

/** Sets the sysctl on each existing device where it is not yet 1; returns those it changed. */
export function ignoreLinkdownRoutes(devices: readonly string[]): string[] {
  const changed: string[] = [];
  for (const device of devices) {
    let current: string;
    try {
      current = readFileSync(path(device), 'utf8').trim();
    } catch {
      continue; // no such device (yet)
    }
    if (current === '1') continue;
    writeFileSync(path(device), '1\n');
    changed.push(device);
  }
  return changed;
}

const HASH_POLICY = '/proc/sys/net/ipv4/fib_multipath_hash_policy';

export function readHashPolicy(): number | undefined {
  try {
    return Number(readFileSync(HASH_POLICY, 'utf8').trim());
  } catch {
    return undefined;
  }
}

/** Sets net.ipv4.fib_multipath_hash_policy; returns whether it changed. */
export function setHashPolicy(value: number): boolean {
  if (readHashPolicy() === value) return false;
  writeFileSync(HASH_POLICY, `${value}\n`);
  return true;
}
