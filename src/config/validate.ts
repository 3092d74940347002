// Turns raw key values into a Config, reporting every problem at once with its location.
import type { RawValues, RawValue } from './collect.js';
import {
  DEFAULT_MARK_BASE,
  DEFAULT_METRIC,
  DEFAULT_PRIORITY_BASE,
  DEFAULT_TABLE_BASE,
  MAIN_RULE_PRIORITY,
  MAX_UPLINKS,
  defaultTableName,
  type KeyName,
} from './keys.js';
import { hostAddressProblem, inSubnet, parsePrefix } from './ipv4.js';
import { RESERVED_TABLES } from './rt-tables.js';
import { parseRouteOptions } from './route-options.js';
import type { Config, ConfigProblem, UplinkConfig } from './types.js';

export interface Lookups {
  tableNames: ReadonlyMap<string, number>;
  protocols: ReadonlyMap<string, number>;
}

const IFNAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,14}$/;
const U32 = 0xffffffff;

/** A checker returns the parsed value, or a problem that starts with the offending text. */
type Checked<T> = { value: T } | { problem: string };
type Check<T> = (text: string) => Checked<T>;

const ok = <T>(value: T): Checked<T> => ({ value });
const bad = <T>(problem: string): Checked<T> => ({ problem });

function printable(text: string): string {
  return JSON.stringify(text);
}

const checkDevice: Check<string> = (text) => {
  if (text.startsWith('-')) return bad(`${printable(text)} looks like an option, not an interface name`);
  if (text === '.' || text === '..' || !IFNAME.test(text)) {
    return bad(`${printable(text)} is not an interface name (1-15 characters: letters, digits, _ . -)`);
  }
  return ok(text);
};

function checkTable(lookups: Lookups): Check<number> {
  return (text) => {
    const reserved = RESERVED_TABLES.get(text);
    if (reserved !== undefined) return bad(`table ${printable(text)} is reserved for the kernel; choose another name or number`);
    let number: number | undefined;
    if (/^\d+$/.test(text)) number = Number(text);
    else if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(text)) {
      number = lookups.tableNames.get(text);
      if (number === undefined) {
        return bad(`table name ${printable(text)} is not defined in iproute2/rt_tables or rt_tables.d/*.conf; use a number or add the name there`);
      }
    } else return bad(`${printable(text)} is not a table name or number`);
    if (number < 1 || number > U32 || [...RESERVED_TABLES.values()].includes(number)) {
      return bad(`table ${printable(text)} (${number}) is reserved or out of range (1..${U32}, not 253/254/255)`);
    }
    return ok(number);
  };
}

const checkPriority: Check<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) >= MAIN_RULE_PRIORITY) {
    return bad(`${printable(text)} is not a rule priority from 1 to ${MAIN_RULE_PRIORITY - 1} (it must come before the main table's rule)`);
  }
  return ok(Number(text));
};

const checkAddress: Check<string> = (text) => {
  if (text === 'auto') return ok(text);
  const problem = hostAddressProblem(text);
  return problem ? bad(`${printable(text)} ${problem}`) : ok(text);
};

const checkPrefix: Check<number | 'auto'> = (text) => {
  if (text === 'auto') return ok(text);
  const prefix = parsePrefix(text);
  if (prefix === undefined || prefix < 1) return bad(`${printable(text)} is not a prefix length (/1../32) or netmask`);
  return ok(prefix);
};

const checkWeight: Check<number> = (text) => {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) return bad(`${printable(text)} is not a weight from 1 to 256`);
  return ok(Number(text));
};

const checkMark: Check<number> = (text) => {
  if (!/^0x[0-9a-fA-F]{1,8}$/.test(text) || Number(text) === 0) {
    return bad(`${printable(text)} is not a firewall mark in hex from 0x1 to 0xffffffff`);
  }
  return ok(Number(text));
};

interface Column<T> {
  key: KeyName;
  check: Check<T>;
  fallback: (index: number) => T;
}

class Validator {
  readonly problems: ConfigProblem[] = [];
  constructor(private readonly raw: RawValues) {}

  where(key: KeyName): string {
    return this.raw[key]?.where ?? `(default ${key})`;
  }

  report(key: KeyName, message: string): void {
    this.problems.push({ where: this.where(key), message });
  }

  column<T>(count: number, { key, check, fallback }: Column<T>): (T | undefined)[] {
    const given: RawValue | undefined = this.raw[key];
    if (!given) return Array.from({ length: count }, (_, i) => fallback(i));
    if (given.values.length !== count) {
      this.report(key, `${key} has ${given.values.length} entries but IFACE_DEVICE has ${count}: entry i of every array belongs to uplink i`);
    }
    return Array.from({ length: count }, (_, i) => {
      const text = given.values[i];
      if (text === undefined) return undefined;
      const checked = check(text);
      if ('problem' in checked) {
        this.report(key, `${key}[${i}]: ${checked.problem}`);
        return undefined;
      }
      return checked.value;
    });
  }

  unique<T>(key: KeyName, values: readonly (T | undefined)[], show: (v: T) => string, ignore?: (v: T) => boolean): void {
    const seen = new Map<T, number>();
    values.forEach((value, i) => {
      if (value === undefined || ignore?.(value)) return;
      const first = seen.get(value);
      if (first !== undefined) this.report(key, `${key}[${i}]: ${show(value)} is already used by uplink ${first}`);
      else seen.set(value, i);
    });
  }
}

export function validate(source: string, raw: RawValues, lookups: Lookups): { config?: Config; problems: ConfigProblem[] } {
  const v = new Validator(raw);
  const devicesRaw = raw.IFACE_DEVICE;
  if (!devicesRaw || devicesRaw.values.length === 0) {
    v.problems.push({ where: devicesRaw?.where ?? source, message: 'IFACE_DEVICE is not set: list the uplink interfaces, e.g. IFACE_DEVICE=( eth1 eth2 )' });
    return { problems: v.problems };
  }
  const count = devicesRaw.values.length;
  if (count > MAX_UPLINKS) v.report('IFACE_DEVICE', `${count} uplinks is more than the ${MAX_UPLINKS} supported`);

  const devices = v.column(count, { key: 'IFACE_DEVICE', check: checkDevice, fallback: () => '' });
  const tableCheck = checkTable(lookups);
  const tableLabels = raw.IFACE_TABLES?.values ?? devices.map((_, i) => defaultTableName(i));
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
  const marks = v.column(count, { key: 'IFACE_MARK', check: checkMark, fallback: (i) => DEFAULT_MARK_BASE + i });

  v.unique('IFACE_DEVICE', devices, (d) => printable(d));
  v.unique('IFACE_TABLES', tables, (t) => `table ${t}`);
  v.unique('IFACE_TABLES_PRIO', priorities, (p) => `priority ${p}`);
  v.unique('IFACE_MARK', marks, (m) => `mark 0x${m.toString(16)}`);
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
    mark: marks[i] as number,
  }));
  return { config: { source, uplinks, routeOptions: options, metric }, problems: [] };
}
