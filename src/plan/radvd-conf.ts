// radvd as the LAN's router advertisement daemon (RADVD_CONF). radvd's `prefix ::/64` announces
// every /64 of the interface but with the lifetimes of its configuration, not the addresses':
// measured with radvd 2.19, an address given preferred_lft 0 was still announced preferred for
// 14400 s, so a dead ISP's prefix would stay the hosts' choice. So uplink-lb lists each uplink's
// /64 itself, in a region of its own inside each LAN's `interface` block, with
// `AdvPreferredLifetime 0` while the uplink carries no new connections; everything else in the
// file is the administrator's. Pure.
import type { LanAddress } from './lan-prefixes.js';
import { network64 } from '../config/ipv6.js';

export const BEGIN = '# uplink-lb: begin';
export const END = '# uplink-lb: end';

export interface RadvdPlan {
  text: string;
  /** What keeps the file from saying what it should (a LAN without its block, ...). */
  problems: string[];
}

/** The file without uplink-lb's regions. */
export function stripRadvdConf(text: string): string {
  const out: string[] = [];
  let inside = false;
  for (const line of text.split('\n')) {
    if (line.trim().startsWith(BEGIN)) inside = true;
    else if (line.trim().startsWith(END)) inside = false;
    else if (!inside) out.push(line);
  }
  return out.join('\n');
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** `current` with each LAN's region listing its /64s (in `addresses` order). */
export function renderRadvdConf(current: string, lans: readonly string[], addresses: readonly LanAddress[], path: string): RadvdPlan {
  const lines = stripRadvdConf(current).split('\n');
  const problems: string[] = [];
  for (const device of lans) {
    const start = lines.findIndex((l) => new RegExp(`^\\s*interface\\s+${escape(device)}(\\s|\\{|$)`).test(l));
    if (start < 0) {
      problems.push(`${path} has no \`interface ${device} { ... };\` block: radvd does not announce ${device}'s prefixes (add one with AdvSendAdvert on;)`);
      continue;
    }
    const open = lines.findIndex((l, i) => i >= start && l.includes('{'));
    const close = lines.findIndex((l, i) => i > open && /^\s*\};?\s*$/.test(l));
    if (open < 0) {
      problems.push(`${path}: the \`interface ${device}\` block has no {`);
      continue;
    }
    const block = lines.slice(open + 1, close < 0 ? undefined : close);
    if (block.some((l) => /^\s*prefix\s+::\/64\b/.test(l))) {
      problems.push(`${path}: \`prefix ::/64\` in the ${device} block announces each prefix of ${device} preferred whatever its state: remove it (uplink-lb lists them, each deprecated while its uplink is out)`);
    }
    const region = [
      `    ${BEGIN}: each uplink's /64, deprecated (preferred lifetime 0) while it carries no new connections; written by uplink-lb, which reloads radvd`,
      ...addresses.filter((a) => a.device === device).map((a) => `    prefix ${network64(a.address) ?? a.address} { AdvOnLink on; AdvAutonomous on;${a.preferred ? '' : ' AdvPreferredLifetime 0;'} }; # ${a.uplink}`),
      `    ${END}`,
    ];
    lines.splice(open + 1, 0, ...region);
  }
  return { text: lines.join('\n'), problems };
}
