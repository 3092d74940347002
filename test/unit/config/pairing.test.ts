import { describe, expect, it } from 'vitest';
import { pairingDifferences } from '../../../src/config/pairing.js';
import { configFrom } from '../helpers.js';

const PAIR = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\n';

describe('a high-availability pair: the two configurations must give each uplink the same mark, table and priority', () => {
  it('pairs with itself, and with a peer that differs only where connections do not care (weights, targets)', () => {
    expect(pairingDifferences(configFrom(PAIR), configFrom(PAIR))).toEqual([]);
    expect(pairingDifferences(configFrom(PAIR), configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 1 )\nCHECK_TARGETS=( 192.0.2.10 )\n'))).toEqual([]);
  });

  it('names each uplink whose mark, table or priority differs, with both values', () => {
    const peer = configFrom('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIFACE_MARK=( 0x97 0x99 )\nIFACE_TABLES=( 201 212 )\nIFACE_TABLES_PRIO=( 1001 1012 )\n');
    expect(pairingDifferences(configFrom(PAIR), peer)).toEqual([
      'eth2: mark 0x98 here, 0x99 on the peer',
      'eth2: table uplink2 (202) here, 212 on the peer',
      'eth2: priority 1002 here, 1012 on the peer',
    ]);
  });

  it('names an uplink only one of them has, and connection pinning on one side only', () => {
    expect(pairingDifferences(configFrom(PAIR), configFrom('IFACE_DEVICE=( eth1 eth3 )\nCONNECTION_PINNING=no\n'))).toEqual([
      'eth2: an uplink here, not on the peer',
      'eth3: an uplink on the peer, not here',
      'CONNECTION_PINNING: yes here, no on the peer',
    ]);
  });
});
