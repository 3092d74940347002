// Whether uplink-lb's nftables table is as it should be. Pure.
import type { Change } from '../plan/diff.js';
import { NFT_FAMILY, NFT_TABLE, type Ruleset } from './ruleset.js';

export interface ObservedNft {
  present: boolean;
  fingerprint?: string;
  chains: number;
  rules: number;
}

const NAME = `${NFT_FAMILY} ${NFT_TABLE}`;

/** The change that makes the table match `want` (absent when undefined), if any. */
export function diffNft(want: Ruleset | undefined, have: ObservedNft): Change | undefined {
  if (!want) {
    return have.present ? { action: 'delete', what: 'nft table', text: NAME, command: '' } : undefined;
  }
  const text = `${NAME} (fingerprint ${want.fingerprint}, ${want.chains} chains, ${want.rules} rules)`;
  if (!have.present) return { action: 'add', what: 'nft table', text, command: want.text };
  if (have.fingerprint === want.fingerprint && have.chains === want.chains && have.rules === want.rules) return undefined;
  const was = `fingerprint ${have.fingerprint ?? 'none'}, ${have.chains} chains, ${have.rules} rules`;
  return { action: 'replace', what: 'nft table', text, was, command: want.text };
}
