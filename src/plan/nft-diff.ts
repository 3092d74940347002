// Whether uplink-lb's nftables table is as it should be. Pure.
import { NFT_FAMILY, NFT_TABLE } from '../kernel/tables.js';
import type { ObservedNft } from '../kernel/types.js';
import type { NftTableChange } from './diff.js';
import type { Ruleset } from './nft-ruleset.js';

const NAME = `${NFT_FAMILY} ${NFT_TABLE}`;

/** The change that makes the table match `want` (absent when undefined), if any. */
export function diffNft(want: Ruleset | undefined, have: ObservedNft): NftTableChange | undefined {
  if (!want) return have.present ? { action: 'delete', what: 'nft table', text: NAME } : undefined;
  const text = `${NAME} (fingerprint ${want.fingerprint}, ${want.chains} chains, ${want.rules} rules)`;
  if (!have.present) return { action: 'add', what: 'nft table', text, ruleset: want.text };
  if (have.fingerprint === want.fingerprint && have.chains === want.chains && have.rules === want.rules) return undefined;
  const was = `fingerprint ${have.fingerprint ?? 'none'}, ${have.chains} chains, ${have.rules} rules`;
  return { action: 'replace', what: 'nft table', text, was, ruleset: want.text };
}
