// A plan as the exact input of the programs that carry it out: the `ip -batch -` lines for
// rules and routes, and the `nft -f -` transaction that replaces uplink-lb's table. Both
// `apply` and `apply --dry-run` use it, so a dry run shows what would run. Pure.
import { NFT_FAMILY, NFT_TABLE } from '../kernel/tables.js';
import type { Commands } from '../kernel/apply.js';
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

export function renderPlan(plan: Plan): Commands {
  const rendered: Commands = { ipLines: [] };
  for (const change of plan.changes) {
    if (change.what === 'nft table') rendered.nftInput = nftReplacement(change.ruleset);
    else rendered.ipLines.push(change.command);
  }
  return rendered;
}

/** The rendered plan as a shell script a person can read or run: what `apply` would run. */
export function renderScript(rendered: Commands, ip: string, nft: string): string {
  const parts: string[] = [];
  if (rendered.ipLines.length > 0) parts.push(`${ip} -batch - <<'EOF'\n${batchInput(rendered.ipLines)}EOF\n`);
  if (rendered.nftInput) parts.push(`${nft} -f - <<'EOF'\n${rendered.nftInput.endsWith('\n') ? rendered.nftInput : `${rendered.nftInput}\n`}EOF\n`);
  return parts.join('');
}
