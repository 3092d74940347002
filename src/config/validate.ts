// Turns raw key values into a Config, reporting every problem at once with its location.
import type { RawValues } from './collect.js';
import {
  DEFAULT_MARK_BASE,
  DEFAULT_METRIC,
  DEFAULT_EVENT_TIMEOUT,
  DEFAULT_PRIORITY_BASE,
  DEFAULT_TABLE_BASE,
  MAX_UPLINKS,
  defaultTableName,
} from './keys.js';
import { inSubnet } from './ipv4.js';
import { parseRouteOptions } from './route-options.js';
import { Validator } from './validator.js';
import { validateCheck } from './validate-check.js';
import { validateIpv6 } from './validate-ipv6.js';
import { validatePinning } from './validate-pinning.js';
import { validateResolvers } from './validate-resolvers.js';
import { validateHa } from './validate-ha.js';
import { ipv6Policy, validatePolicies } from './validate-policy.js';
import { U32, checkAddress, checkDevice, checkMark, checkPrefix, checkPriority, checkTable, checkTier, checkFailbackRelease, checkWeight, printable, type Lookups } from './checkers.js';
import type { Config, ConfigProblem, UplinkConfig } from './types.js';
import { hex } from '../util/hex.js';
import { SYSCONFDIR } from '../paths.js';

/** Where the event hooks are unless EVENT_HOOKS_DIR says otherwise. */
export const DEFAULT_EVENT_HOOKS_DIR = `${SYSCONFDIR}/uplink-lb/events.d`;
const DIRECTORY = /^\/[A-Za-z0-9_.\/+@%=-]*$/;

export type { Lookups } from './checkers.js';

export function validate(source: string, raw: RawValues, lookups: Lookups, text = ''): { config?: Config; problems: ConfigProblem[] } {
  const v = new Validator(raw);
  const devicesRaw = raw.IFACE_DEVICE;
  if (Object.keys(raw).length === 0) {
    v.problems.push({ where: source, message: 'sets nothing (empty, or only comments): list the uplink interfaces, e.g. IFACE_DEVICE=( eth1 eth2 )' });
    return { problems: v.problems };
  }
  if (!devicesRaw || devicesRaw.values.length === 0) {
    v.problems.push({ where: devicesRaw?.where ?? source, message: 'IFACE_DEVICE is not set: list the uplink interfaces, e.g. IFACE_DEVICE=( eth1 eth2 )' });
    return { problems: v.problems };
  }
  const count = devicesRaw.values.length;
  if (count > MAX_UPLINKS) v.report('IFACE_DEVICE', `${count} uplinks is more than the ${MAX_UPLINKS} supported`);

  const devices = v.column(count, { key: 'IFACE_DEVICE', check: checkDevice, fallback: () => '' });
  const tableCheck = checkTable(lookups);
  // the default names (uplinkN) come with the install; without them the default is a number
  const tableLabels = raw.IFACE_TABLES?.values ?? devices.map((_, i) => (lookups.tableNames.has(defaultTableName(i)) ? defaultTableName(i) : String(DEFAULT_TABLE_BASE + i)));
  const tables = v.column(count, {
    key: 'IFACE_TABLES',
    check: tableCheck,
    fallback: (i) => lookups.tableNames.get(defaultTableName(i)) ?? DEFAULT_TABLE_BASE + i,
  });
  const priorities = v.column(count, { key: 'IFACE_TABLES_PRIO', check: checkPriority, fallback: (i) => DEFAULT_PRIORITY_BASE + i });
  const addresses = v.column(count, { key: 'IFACE_IPS', check: checkAddress, fallback: () => 'auto' });
  const prefixes = v.column<number | 'auto'>(count, { key: 'IFACE_NMS', check: checkPrefix, fallback: () => 'auto' });
  const gateways = v.column(count, { key: 'IFACE_GWS', check: checkAddress, fallback: () => 'auto' });
  const weights = v.column(count, { key: 'IFACE_WEI', check: checkWeight, fallback: () => 1 });
  const tiers = v.column(count, { key: 'IFACE_TIER', check: checkTier, fallback: () => 1 });
  const releases = v.column(count, { key: 'IFACE_FAILBACK_RELEASE', check: checkFailbackRelease, fallback: () => 0 });
  const marks = v.column(count, { key: 'IFACE_MARK', check: checkMark, fallback: (i) => DEFAULT_MARK_BASE + i });

  v.unique('IFACE_DEVICE', devices, (d) => printable(d));
  v.unique('IFACE_TABLES', tables, (t) => `table ${t}`);
  v.unique('IFACE_TABLES_PRIO', priorities, (p) => `priority ${p}`);
  v.unique('IFACE_MARK', marks, (m) => `mark ${hex(m)}`);
  v.unique('IFACE_IPS', addresses, (a) => a, (a) => a === 'auto');

  const optionsRaw = raw.ROUTE_OPTIONS;
  const optionTokens = optionsRaw ? optionsRaw.values.flatMap((value) => value.split(/\s+/)).filter((t) => t !== '') : [];
  const { options, errors } = parseRouteOptions(optionTokens, lookups.protocols);
  for (const message of errors) v.report('ROUTE_OPTIONS', `ROUTE_OPTIONS: ${message}`);

  let metric = DEFAULT_METRIC;
  const metricRaw = raw.DEFAULT_ROUTE_METRIC?.values[0];
  if (metricRaw !== undefined) {
    if (!/^\d+$/.test(metricRaw) || Number(metricRaw) > U32) v.report('DEFAULT_ROUTE_METRIC', `DEFAULT_ROUTE_METRIC: ${printable(metricRaw)} is not a metric from 0 to ${U32}`);
    else metric = Number(metricRaw);
  }

  devices.forEach((_, i) => {
    const address = addresses[i];
    const prefix = prefixes[i];
    const gateway = gateways[i];
    if (gateway === undefined || gateway === 'auto' || address === undefined || address === 'auto' || prefix === undefined || prefix === 'auto') return;
    if (gateway === address) v.report('IFACE_GWS', `IFACE_GWS[${i}]: the gateway ${gateway} is the uplink's own address`);
    else if (!options.onlink && !inSubnet(gateway, address, prefix)) {
      v.report('IFACE_GWS', `IFACE_GWS[${i}]: gateway ${gateway} is not in ${address}/${prefix}; fix the address or prefix, or add "onlink" to ROUTE_OPTIONS if the ISP needs it`);
    }
  });

  const health = validateCheck(v, raw, devices);
  const pinning = validatePinning(v, raw, devices);
  const policies = validatePolicies(v, raw, devices, pinning.pinning);

  const metricsDir = raw.METRICS_DIR?.values[0];
  if (metricsDir !== undefined && metricsDir !== '' && !DIRECTORY.test(metricsDir)) {
    v.report('METRICS_DIR', `METRICS_DIR: ${printable(metricsDir)} is not an absolute directory path (letters, digits and _ . / + @ % = - only), e.g. /var/lib/prometheus/node-exporter`);
  }
  const eventHooksDir = raw.EVENT_HOOKS_DIR?.values[0] ?? DEFAULT_EVENT_HOOKS_DIR;
  if (!DIRECTORY.test(eventHooksDir)) {
    v.report('EVENT_HOOKS_DIR', `EVENT_HOOKS_DIR: ${printable(eventHooksDir)} is not an absolute directory path (letters, digits and _ . / + @ % = - only), e.g. ${DEFAULT_EVENT_HOOKS_DIR}`);
  }

  let eventTimeout = DEFAULT_EVENT_TIMEOUT;
  const timeoutRaw = raw.EVENT_TIMEOUT?.values[0];
  if (timeoutRaw !== undefined) {
    if (!/^\d+$/.test(timeoutRaw) || Number(timeoutRaw) < 1 || Number(timeoutRaw) > 300) v.report('EVENT_TIMEOUT', `EVENT_TIMEOUT: ${printable(timeoutRaw)} is not a number of seconds from 1 to 300`);
    else eventTimeout = Number(timeoutRaw);
  }

  let nexthopObjects: 'auto' | 'no' = 'auto';
  const nexthopRaw = raw.NEXTHOP_OBJECTS?.values[0];
  if (nexthopRaw !== undefined) {
    if (nexthopRaw === 'auto' || nexthopRaw === 'no') nexthopObjects = nexthopRaw;
    else v.report('NEXTHOP_OBJECTS', `NEXTHOP_OBJECTS: ${printable(nexthopRaw)} is not auto (nexthop objects where the kernel has them) or no (routes that carry their nexthops)`);
  }

  const ipv6 = validateIpv6(v, raw, devices);
  for (const policy of policies.filter(ipv6Policy)) {
    if (ipv6.mode !== 'translated') v.report('POLICY', `${policy.name}: ${printable(policy.text)}: an IPv6 policy needs IPV6_MODE=translated (in ${ipv6.mode} mode ${ipv6.mode === 'off' ? 'uplink-lb leaves IPv6 alone' : "a LAN host's source prefix decides its ISP"})`);
  }
  if (ipv6.mode === 'translated' && !pinning.pinning) v.report('IPV6_MODE', 'IPV6_MODE: translated translates and pins IPv6 connections in uplink-lb\'s nftables table, which CONNECTION_PINNING=no leaves out (set it to yes, or IPV6_MODE to native)');
  const dns = validateResolvers(v, raw, count, `${SYSCONFDIR}/resolv.conf`);
  const pair = validateHa(v, raw, count);

  if (v.problems.length > 0) return { problems: v.problems };

  const uplinks: UplinkConfig[] = devices.map((device, i) => ({
    index: i,
    device: device as string,
    table: tables[i] as number,
    tableLabel: tableLabels[i] ?? String(tables[i]),
    priority: priorities[i] as number,
    address: addresses[i] as string,
    prefix: prefixes[i] as number | 'auto',
    gateway: gateways[i] as string,
    weight: weights[i] as number,
    tier: tiers[i] as number,
    failbackRelease: releases[i] as number,
    mark: marks[i] as number,
    router6: ipv6.routers[i] ?? 'auto',
    resolvers: dns.resolvers[i] ?? 'auto',
    targets: health.targets[i] ?? [],
    targets6: health.targets6[i] ?? [],
    method: health.methods[i] ?? { kind: 'icmp' },
    failWindow: health.failWindows[i] as number,
    failWindow6: health.failWindows6[i] as number,
    pairing: pair.pairing[i] ?? 'shared',
  }));
  const config: Config = { source, text, uplinks, routeOptions: options, metric, check: health.check, pinning: pinning.pinning, pins: pinning.pins, policies, nexthopObjects, ipv6: ipv6.mode, lans6: ipv6.lans, ...(ipv6.lanPrefix ? { lanPrefix6: ipv6.lanPrefix } : {}), ...(ipv6.radvdConf ? { radvdConf: ipv6.radvdConf } : {}), resolvConf: dns.resolvConf, eventTimeout, eventHooksDir, warnings: health.warnings };
  if (pinning.hashPolicy) config.hashPolicy = pinning.hashPolicy;
  if (metricsDir) config.metricsDir = metricsDir;
  if (pair.ha) config.ha = pair.ha;
  return { config, problems: [] };
}
