// A plan as the exact input of the programs that carry it out: the `ip -batch -` lines for
// rules and routes, and the `nft -f -` transaction that replaces uplink-lb's table. Both
// `apply` and `apply --dry-run` use it, so a dry run shows what would run. Pure.
import { NFT_FAMILY, NFT_TABLE } from '../nft/ruleset.js';
import type { Plan } from './diff.js';

export interface Rendered {
  /** The `ip -batch` lines, one `ip` command (without `ip`) each; absent when no rule or route
   *  changes. */
  ipLines?: string[];
  /** The whole `nft -f` input; absent when the table stays as it is. */
  nftInput?: string;
}

/** The nft transaction that replaces the table with `text`, or removes it (undefined). "table X"
 *  first makes the delete valid when the table does not exist yet. */
export function nftReplacement(text: string | undefined): string {
  return `table ${NFT_FAMILY} ${NFT_TABLE}\ndelete table ${NFT_FAMILY} ${NFT_TABLE}\n${text ?? ''}`;
}

/** What `ip -batch -` reads: the lines, each ended. */
export function batchInput(lines: readonly string[]): string {
  return `${lines.join('\n')}\n`;
}

export function renderPlan(plan: Plan): Rendered {
  const rendered: Rendered = {};
  const lines = plan.changes.filter((c) => c.what !== 'nft table').map((c) => c.command);
  if (lines.length > 0) rendered.ipLines = lines;
  const nft = plan.changes.find((c) => c.what === 'nft table');
  if (nft) rendered.nftInput = nftReplacement(nft.command === '' ? undefined : nft.command);
  return rendered;
}

/** The rendered plan as a shell script a person can read or run: what `apply` would run. */
export function renderScript(rendered: Rendered, ip: string, nft: string): string {
  const parts: string[] = [];
  if (rendered.ipLines) parts.push(`${ip} -batch - <<'EOF'\n${batchInput(rendered.ipLines)}EOF\n`);
  if (rendered.nftInput) parts.push(`${nft} -f - <<'EOF'\n${rendered.nftInput.endsWith('\n') ? rendered.nftInput : `${rendered.nftInput}\n`}EOF\n`);
  return parts.join('');
}
