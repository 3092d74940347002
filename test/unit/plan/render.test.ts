// The plan as the input of ip -batch and nft -f: what apply runs and dry-run prints.
import { describe, expect, it } from 'vitest';
import { desired } from '../../../src/plan/desired.js';
import { renderPlan, renderScript } from '../../../src/plan/render.js';
import { planTowards } from '../../../src/plan/diff.js';
import { configFrom, leasesAt, observedAt } from '../helpers.js';

const TWO = 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 1 3 )\n';

describe('rendering a plan', () => {
  const config = configFrom(TWO);
  const want = desired(config, observedAt('applied-2'), { leases: leasesAt('applied-2'), nft: true });
  // nft lists no table yet
  const plan = planTowards(want, observedAt('applied-2'), { present: false, chains: 0, rules: 0 });

  it('gives ip -batch one line per rule or route change, in plan order', () => {
    expect(renderPlan(plan).ip).toEqual([{ family: 'inet', lines: ['route replace default table 254 metric 10 proto 73 nexthop via 198.18.101.1 dev eth1 weight 1 nexthop via 198.18.102.1 dev eth2 weight 3'] }]);
  });

  it('gives nft one transaction that replaces the table, and one that removes it', () => {
    const input = renderPlan(plan).nftInput ?? '';
    expect(input.startsWith('table inet uplink_lb\ndelete table inet uplink_lb\ntable inet uplink_lb {')).toBe(true);
    expect(renderPlan({ changes: [{ action: 'delete', what: 'nft table', text: 'inet uplink_lb' }] })).toEqual({ ip: [], nftInput: 'table inet uplink_lb\ndelete table inet uplink_lb\n' });
  });

  it('renders nothing for an empty plan, and a script of here-documents otherwise', () => {
    expect(renderPlan({ changes: [] })).toEqual({ ip: [] });
    expect(renderScript({ ip: [] }, '/usr/sbin/ip', '/usr/sbin/nft')).toBe('');
    const script = renderScript(renderPlan(plan), '/usr/sbin/ip', '/usr/sbin/nft');
    expect(script.startsWith("/usr/sbin/ip -batch - <<'EOF'\nroute replace default table 254")).toBe(true);
    expect(script).toContain("EOF\n/usr/sbin/nft -f - <<'EOF'\ntable inet uplink_lb\ndelete table inet uplink_lb\n");
    expect(script.endsWith('}\nEOF\n')).toBe(true);
  });
});
