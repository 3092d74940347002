// Config -> configuration text that reads back as the same Config: every key written out,
// per-uplink values resolved (targets and methods per uplink). Used to show the effective
// configuration and to check the parser against itself.
import type { Config, ProbeMethod } from './types.js';
import { hex } from '../util/hex.js';

const SAFE = /^[A-Za-z0-9_.,:/+@%=-]+$/;

/** A word the lexer reads back as `value`. */
function quoteWord(value: string): string {
  if (SAFE.test(value) && !value.startsWith('=')) return value;
  return `'${value.replaceAll("'", `'"'"'`)}'`;
}

const array = (key: string, values: readonly string[]): string => `${key}=(${values.map((v) => ` ${quoteWord(v)}`).join('')} )`;
const method = (m: ProbeMethod): string => (m.kind === 'icmp' ? 'icmp' : `tcp:${m.port}`);

export function printConfig(config: Config): string {
  const u = config.uplinks;
  const c = config.check;
  const lines = [
    '# uplink-lb configuration as uplink-lb reads it (every key written out)',
    array('IFACE_DEVICE', u.map((x) => x.device)),
    array('IFACE_TABLES', u.map((x) => x.tableLabel)),
    array('IFACE_TABLES_PRIO', u.map((x) => String(x.priority))),
    array('IFACE_IPS', u.map((x) => x.address)),
    array('IFACE_NMS', u.map((x) => String(x.prefix))),
    array('IFACE_GWS', u.map((x) => x.gateway)),
    array('IFACE_WEI', u.map((x) => String(x.weight))),
    array('IFACE_TIER', u.map((x) => String(x.tier))),
    array('IFACE_FAILBACK_RELEASE', u.map((x) => String(x.failbackRelease))),
    array('IFACE_MARK', u.map((x) => hex(x.mark))),
    array('IFACE_GW6S', u.map((x) => x.router6)),
    array('IFACE_RESOLVERS', u.map((x) => (x.resolvers === 'auto' ? 'auto' : x.resolvers.length === 0 ? 'none' : x.resolvers.join(',')))),
    array('IFACE_CHECK_TARGETS', u.map((x) => (x.targets.length + x.targets6.length === 0 ? 'gateway' : [...x.targets, ...x.targets6].join(',')))),
    array('IFACE_CHECK_METHOD', u.map((x) => method(x.method))),
    `ROUTE_OPTIONS=${quoteWord(config.routeOptions.args.join(' '))}`,
    `DEFAULT_ROUTE_METRIC=${config.metric}`,
    `CHECK_INTERVAL=${c.interval}`,
    `CHECK_TIMEOUT=${c.timeout}`,
    `CHECK_RELIABILITY=${c.reliability}`,
    ...(c.failWindow === undefined ? [] : [`CHECK_FAIL_WINDOW=${c.failWindow}`]),
    `CHECK_RECOVER_WINDOW=${c.recoverWindow}`,
    `CHECK_QUALITY_WINDOW=${c.qualityWindow}`,
    `CHECK_LOSS_FAIL=${c.loss.fail}`,
    `CHECK_LOSS_RECOVER=${c.loss.recover}`,
    `CHECK_LATENCY_FAIL=${c.latency.fail}`,
    `CHECK_LATENCY_RECOVER=${c.latency.recover}`,
    `CHECK_DEGRADED=${c.degraded}`,
    `CHECK_FLAP_HOLD=${c.flapHold}`,
    `CHECK_FLAP_HOLD_MAX=${c.flapHoldMax}`,
    `CHECK_RUN_MINUTES=${c.runMinutes}`,
    `CHECK_ACTION=${c.action}`,
    `CONNECTION_PINNING=${config.pinning ? 'yes' : 'no'}`,
    array('PIN', config.pins.map((p) => p.text)),
    array('POLICY', config.policies.map((p) => p.text)),
  ];
  if (config.hashPolicy) lines.push(`HASH_POLICY=${config.hashPolicy}`);
  lines.push(`NEXTHOP_OBJECTS=${config.nexthopObjects}`, `IPV6_MODE=${config.ipv6}`, array('IPV6_LAN', config.lans6), ...(config.lanPrefix6 ? [`IPV6_LAN_PREFIX=${config.lanPrefix6}`] : []), `RADVD_CONF=${config.radvdConf ? quoteWord(config.radvdConf) : 'no'}`);
  lines.push(`RESOLV_CONF=${config.resolvConf.manage === 'no' ? 'no' : config.resolvConf.manage === 'auto' ? 'auto' : quoteWord(config.resolvConf.path)}`);
  lines.push(`EVENT_TIMEOUT=${config.eventTimeout}`, `EVENT_HOOKS_DIR=${quoteWord(config.eventHooksDir)}`);
  if (config.metricsDir) lines.push(`METRICS_DIR=${quoteWord(config.metricsDir)}`);
  if (config.ha) {
    lines.push(`HA_VRRP=${quoteWord(config.ha.vrrp)}`, `HA_TRACK_FILE=${quoteWord(config.ha.trackFile)}`, array('IFACE_HA', u.map((x) => x.pairing)));
    if (config.ha.conntrackdConf) lines.push(`HA_CONNTRACKD_CONF=${quoteWord(config.ha.conntrackdConf)}`);
  }
  return `${lines.join('\n')}\n`;
}
