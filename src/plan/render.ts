// A plan as the exact input of the programs that carry it out: the `ip -batch -` lines for
// rules and routes, and the `nft -f -` transaction that replaces uplink-lb's table. Both
// `apply` and `apply --dry-run` use it, so a dry run shows what would run. Pure.
import { NFT_FAMILY, NFT_TABLE } from '../kernel/tables.js';
import type { Commands, IpSegment } from '../kernel/apply.js';
import type { Family } from '../kernel/types.js';
import type { Plan } from './diff.js';

/** The nft transaction that replaces the table with `ruleset`, or removes it (undefined).
 *  "table X" first makes the delete valid when the table does not exist yet. */
export function nftReplacement(ruleset: string | undefined): string {
  return `table ${NFT_FAMILY} ${NFT_TABLE}\ndelete table ${NFT_FAMILY} ${NFT_TABLE}\n${ruleset ?? ''}`;
}

/** What `ip -batch -` reads: the lines, each ended. */
function batchInput(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

/** The plan's `ip` lines in order, in segments of one batch each: IPv6 rules and routes run
 *  under `ip -6`; nexthop objects of both families, and their groups, without a family (ip
 *  refuses a group under -6, and lists groups only without one). */
export function renderPlan(plan: Plan): Commands {
  const rendered: Commands = { ip: [] };
  for (const change of plan.changes) {
    if (change.what === 'nft table') {
      rendered.nftInput = nftReplacement(change.ruleset);
      continue;
    }
    const family: Family = change.what === 'nexthop' ? 'inet' : change.family;
    const last = rendered.ip.at(-1);
    if (last?.family === family) last.lines.push(change.command);
    else rendered.ip.push({ family, lines: [change.command] });
  }
  return rendered;
}

/** How many `ip` lines the commands hold. */
export const ipLineCount = (commands: Commands): number => commands.ip.reduce((n, s: IpSegment) => n + s.lines.length, 0);

/** The rendered plan as a shell script a person can read or run: what `apply` would run. */
export function renderScript(rendered: Commands, ip: string, nft: string): string {
  const parts: string[] = [];
  for (const segment of rendered.ip) parts.push(`${ip}${segment.family === 'inet6' ? ' -6' : ''} -batch - <<'EOF'\n${batchInput(segment.lines)}EOF\n`);
  if (rendered.nftInput) parts.push(`${nft} -f - <<'EOF'\n${rendered.nftInput.endsWith('\n') ? rendered.nftInput : `${rendered.nftInput}\n`}EOF\n`);
  return parts.join('');
}
