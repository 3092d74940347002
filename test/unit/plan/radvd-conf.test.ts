// radvd's configuration with the LAN's prefixes (RADVD_CONF): uplink-lb's region inside each LAN's
// interface block, rewritten as the uplinks' states change, everything else kept, and taken out
// again; the problems status reports. (radvd itself reads and announces it in
// test/e2e/ipv6.test.ts.)
import { describe, expect, it } from 'vitest';
import { renderRadvdConf, stripRadvdConf } from '../../../src/plan/radvd-conf.js';
import type { LanAddress } from '../../../src/plan/lan-prefixes.js';
import { problemsOf } from '../helpers.js';

const FILE = `# the LAN
interface lan0 {
    AdvSendAdvert on;
    MaxRtrAdvInterval 30;
    RDNSS fd00:1::1 { };
};

interface guest0
{
    AdvSendAdvert on;
};
`;
const both = (preferred1: boolean): LanAddress[] => [
  { device: 'lan0', address: '2001:db8:1:100::1', uplink: 'eth1', preferred: preferred1 },
  { device: 'lan0', address: '2001:db8:2:100::1', uplink: 'eth2', preferred: true },
  { device: 'guest0', address: '2001:db8:1:101::1', uplink: 'eth1', preferred: preferred1 },
];

describe("radvd's configuration", () => {
  it("lists each uplink's /64 in each LAN's block, a drained one's deprecated, and keeps the rest", () => {
    const plan = renderRadvdConf(FILE, ['lan0', 'guest0'], both(false), '/etc/radvd.conf');
    expect(plan.problems).toEqual([]);
    expect(plan.text).toBe(`# the LAN
interface lan0 {
    # uplink-lb: begin: each uplink's /64, deprecated (preferred lifetime 0) while it carries no new connections; written by uplink-lb, which reloads radvd
    prefix 2001:db8:1:100::/64 { AdvOnLink on; AdvAutonomous on; AdvPreferredLifetime 0; }; # eth1
    prefix 2001:db8:2:100::/64 { AdvOnLink on; AdvAutonomous on; }; # eth2
    # uplink-lb: end
    AdvSendAdvert on;
    MaxRtrAdvInterval 30;
    RDNSS fd00:1::1 { };
};

interface guest0
{
    # uplink-lb: begin: each uplink's /64, deprecated (preferred lifetime 0) while it carries no new connections; written by uplink-lb, which reloads radvd
    prefix 2001:db8:1:101::/64 { AdvOnLink on; AdvAutonomous on; AdvPreferredLifetime 0; }; # eth1
    # uplink-lb: end
    AdvSendAdvert on;
};
`);
    // rewritten in place as the uplink comes back; once as it is, the same text again
    const back = renderRadvdConf(plan.text, ['lan0', 'guest0'], both(true), '/etc/radvd.conf').text;
    expect(back).not.toContain('AdvPreferredLifetime 0');
    expect(renderRadvdConf(back, ['lan0', 'guest0'], both(true), '/etc/radvd.conf').text).toBe(back);
    // taken out: the file as it was
    expect(stripRadvdConf(plan.text)).toBe(FILE);
  });

  it('says what keeps it from working: a LAN without its block, and a `prefix ::/64` that would announce every prefix preferred', () => {
    const plan = renderRadvdConf('interface lan0 {\n    AdvSendAdvert on;\n    prefix ::/64 { AdvOnLink on; AdvAutonomous on; };\n};\n', ['lan0', 'lan1'], both(true), '/etc/radvd.conf');
    expect(plan.problems).toEqual([
      '/etc/radvd.conf: `prefix ::/64` in the lan0 block announces each prefix of lan0 preferred whatever its state: remove it (uplink-lb lists them, each deprecated while its uplink is out)',
      '/etc/radvd.conf has no `interface lan1 { ... };` block: radvd does not announce lan1\'s prefixes (add one with AdvSendAdvert on;)',
    ]);
  });

  it('RADVD_CONF is an absolute path, for the LANs IPV6_LAN names', () => {
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( lan0 )\nRADVD_CONF=/etc/radvd.conf\n')).toEqual([]);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nRADVD_CONF=/etc/radvd.conf\n')).toEqual(['test.conf:2: RADVD_CONF: radvd announces the LAN prefixes of IPV6_LAN, which names none']);
    expect(problemsOf('IFACE_DEVICE=( eth1 )\nIPV6_LAN=( lan0 )\nRADVD_CONF=radvd.conf\n')).toEqual(['test.conf:3: RADVD_CONF: "radvd.conf" is not no or the absolute path of radvd\'s configuration (such as /etc/radvd.conf)']);
  });
});
