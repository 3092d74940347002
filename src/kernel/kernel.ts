// The kernel as a reconcile sees it: one object that reads and changes it. The system's is
// below; the reconcile's decisions (apply failed, read back different, roll back) take any,
// so they are unit-tested on captured states.
import { applyIpSegments, type IpSegment } from './apply.js';
import { conntrackAvailable, releaseMark } from './conntrack.js';
import { applyNft, listNftTable, nftAvailable, observeNft } from './nft.js';
import { observe } from './observe.js';
import { readHashPolicy } from './sysctl.js';
import type { Observed, ObservedNft } from './types.js';

export interface Kernel {
  /** Links, addresses, rules and routes. */
  observe(): Observed;
  /** uplink-lb's nftables table; undefined when nft is not installed. */
  observeNft(): ObservedNft | undefined;
  /** The table as `nft list table` prints it (input `nft -f` takes back), '' when absent. */
  listNft(): string;
  /** Runs `ip -batch` segments in order and returns the kernel read back after them. Throws
   *  CommandError. */
  applyIp(segments: readonly IpSegment[]): Observed;
  /** Runs one `nft -f` transaction. Throws CommandError. */
  applyNft(input: string): void;
  /** net.ipv4.fib_multipath_hash_policy; undefined when unreadable. */
  hashPolicy(): number | undefined;
  /** Drops the tracked connections with this mark: how many; undefined without conntrack. */
  releaseMark(mark: number): number | undefined;
}

export const systemKernel: Kernel = {
  observe,
  observeNft: () => (nftAvailable() ? observeNft() : undefined),
  listNft: listNftTable,
  applyIp: applyIpSegments,
  applyNft,
  hashPolicy: readHashPolicy,
  releaseMark: (mark) => (conntrackAvailable() ? releaseMark(mark) : undefined),
};
