// Observes and replaces uplink-lb's own nftables table. Never touches another table and never
// flushes the ruleset: replacing is `delete table` + `table {...}` in one nft transaction.
import { existsSync } from 'node:fs';
import { NFT } from '../paths.js';
import { run, CommandError } from '../util/run.js';
import { FINGERPRINT_PREFIX, NFT_FAMILY, NFT_TABLE } from './tables.js';
import type { ObservedNft } from './types.js';

export const nftAvailable = (): boolean => existsSync(NFT);

/** Reads `nft -j list table` output. Pure. */
export function parseNftTable(text: string): ObservedNft {
  const result: ObservedNft = { present: true, chains: 0, rules: 0 };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return result;
  }
  const items = (value as { nftables?: unknown[] }).nftables ?? [];
  for (const item of items) {
    if (typeof item !== 'object' || item === null) continue;
    const entry = item as { chain?: unknown; rule?: { comment?: unknown } };
    if (entry.chain) result.chains++;
    if (entry.rule) {
      result.rules++;
      const comment = entry.rule.comment;
      if (typeof comment === 'string' && comment.startsWith(FINGERPRINT_PREFIX) && result.fingerprint === undefined) {
        result.fingerprint = comment.slice(FINGERPRINT_PREFIX.length);
      }
    }
  }
  return result;
}

export function observeNft(): ObservedNft {
  const result = run([NFT, '-j', 'list', 'table', NFT_FAMILY, NFT_TABLE]);
  if (result.status !== 0) return { present: false, chains: 0, rules: 0 };
  return parseNftTable(result.stdout);
}

/** The table as `nft list table` prints it (input `nft -f` takes back), or '' when absent. */
export function listNftTable(): string {
  const result = run([NFT, 'list', 'table', NFT_FAMILY, NFT_TABLE]);
  return result.status === 0 ? result.stdout : '';
}

/** Runs one `nft -f` transaction (renderPlan's nftInput: the table replaced or removed, atomically). */
export function applyNft(input: string): void {
  const argv = [NFT, '-f', '-'];
  const result = run(argv, input);
  if (result.status !== 0) throw new CommandError(argv, result.status, result.stderr);
}
