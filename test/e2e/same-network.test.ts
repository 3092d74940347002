// Two ISPs whose modems hand out the same network and gateway (198.51.100.0/24 via .1 from
// both, each doing its own NAT): each uplink's traffic, its probes included, must leave through
// itself, so that a dead ISP is drained and the other carries everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolve } from 'node:path';
import { defaults, dist, ifup, inRoute, PYTHON, rig, rigResult, startCheck, stopCheck, ulb, up, waitFor, writeConfig } from './rig.js';

process.env.RIG_SAME_NET = '1';


describe('two ISPs on the same network and gateway', () => {
  beforeAll(() => {
    up(2);
    rig('install');
    rig('x', 'inet', 'ip', 'addr', 'add', '192.0.2.20/32', 'dev', 'lo');
    writeConfig('IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.20 )\nCHECK_INTERVAL=0.5\nCHECK_TIMEOUT=0.5\n');
    expect(ifup('eth1').status).toBe(0);
    expect(ifup('eth2').status).toBe(0);
  });
  afterAll(() => {
    rigResult('down');
  });

  it('both are balanced, each with a rule for its own address only', () => {
    expect(inRoute()).toEqual(['eth1', 'eth2']);
    const rules = rig('rx', 'ip', '-4', 'rule', 'show');
    expect(rules).toContain('from 198.51.100.101 lookup uplink1');
    expect(rules).toContain('from 198.51.100.102 lookup uplink2');
    expect(rules).not.toContain('198.51.100.101/24');
    const counts = dist(150);
    expect(counts.fail).toBe(0);
    // 2:1: 70 or fewer of 150 on isp1 happens in 4e-7 of runs, 20 or fewer on isp2 in 2e-8
    expect(counts.isp1).toBeGreaterThan(70);
    expect(counts.isp2).toBeGreaterThan(20);
  });

  it('traffic from each uplink address leaves through that uplink', () => {
    for (const [address, isp] of [['198.51.100.101', 'isp1'], ['198.51.100.102', 'isp2']] as const) {
      const counts = JSON.parse(rig('rx', 'env', `BIND=${address}`, PYTHON, resolve('scripts/rig/client.py'), '192.0.2.10', '20000', '20', '2', 'isp1=198.18.1.1', 'isp2=198.18.2.1')) as Record<string, number>;
      expect(counts[isp], address).toBe(20);
    }
  });

  it("isp1's upstream dies: only eth1 is drained (eth2's probes still answer), no fail open, nothing lost", async () => {
    const check = startCheck();
    try {
      rig('fail', 'isp1', 'upstream');
      expect(await waitFor(() => inRoute().join() === 'eth2', 15)).toBe(true);
      const status = ulb(['status']).stdout;
      expect(status).toMatch(/eth1: draining/);
      expect(status).toMatch(/eth2: up, in the default route/);
      expect(status).not.toContain('FAIL OPEN');
      expect(dist(60, 1)).toMatchObject({ isp1: 0, isp2: 60, fail: 0 });
      rig('fail', 'isp1', 'none');
      expect(await waitFor(() => inRoute().length === 2, 20)).toBe(true);
    } finally {
      await stopCheck(check);
    }
  });
});
