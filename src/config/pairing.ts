// Two routers of a high-availability pair share their connections (conntrackd synchronises
// each entry with its conntrack mark): an uplink must have the same mark, table and rule
// priority on both, or a connection taken over by the other router leaves through another
// uplink, or through none. What differs between this router's configuration and its peer's.
// Pure.
import type { Config, UplinkConfig } from './types.js';

const hex = (mark: number): string => `0x${mark.toString(16)}`;

/** What one uplink must share with the peer's uplink of the same device name (a table by its
 *  number: its name is local), and how it is said. */
const SHARED: [what: string, of: (u: UplinkConfig) => number, say: (u: UplinkConfig) => string][] = [
  ['mark', (u) => u.mark, (u) => hex(u.mark)],
  ['table', (u) => u.table, (u) => (u.tableLabel === String(u.table) ? String(u.table) : `${u.tableLabel} (${u.table})`)],
  ['priority', (u) => u.priority, (u) => String(u.priority)],
];

/** Every difference that breaks the pair, one line each ("eth2: mark 0x98 here, 0x99 on the
 *  peer"); none when they pair. */
export function pairingDifferences(here: Config, peer: Config): string[] {
  const out: string[] = [];
  const theirs = new Map(peer.uplinks.map((u) => [u.device, u]));
  const ours = new Set(here.uplinks.map((u) => u.device));
  for (const u of here.uplinks) {
    const p = theirs.get(u.device);
    if (!p) {
      out.push(`${u.device}: an uplink here, not on the peer`);
      continue;
    }
    for (const [what, of, say] of SHARED) if (of(u) !== of(p)) out.push(`${u.device}: ${what} ${say(u)} here, ${say(p)} on the peer`);
    if (u.pairing !== p.pairing) out.push(`${u.device}: ${u.pairing} here, ${p.pairing} on the peer (IFACE_HA)`);
  }
  for (const p of peer.uplinks) if (!ours.has(p.device)) out.push(`${p.device}: an uplink on the peer, not here`);
  if (here.ha?.vrrp !== peer.ha?.vrrp) out.push(`HA_VRRP: ${here.ha?.vrrp ?? 'unset'} here, ${peer.ha?.vrrp ?? 'unset'} on the peer`);
  if (here.pinning !== peer.pinning) out.push(`CONNECTION_PINNING: ${here.pinning ? 'yes' : 'no'} here, ${peer.pinning ? 'yes' : 'no'} on the peer`);
  return out;
}
