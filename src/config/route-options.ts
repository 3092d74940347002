// ROUTE_OPTIONS: the extra `ip route` attributes applied to every route uplink-lb installs
// towards a gateway. Parsed into what to pass to ip and what the kernel reports back (so a
// diff can tell whether a route carries them).

export interface RouteOptions {
  /** Tokens passed to `ip route` verbatim (after validation). */
  args: string[];
  /** Route protocol number, when ROUTE_OPTIONS names one. */
  protocol?: number;
  onlink: boolean;
  /** What `ip -j route` shows under "metrics" for these options. */
  metrics: Record<string, number | string | null>;
}

const NO_ROUTE_OPTIONS: RouteOptions = { args: [], onlink: false, metrics: {} };

// option -> key in ip's JSON "metrics" and the largest accepted value
const NUMERIC: Record<string, { json: string; max: number; lockable: boolean }> = {
  mtu: { json: 'mtu', max: 65535, lockable: true },
  advmss: { json: 'advmss', max: 65535, lockable: true },
  window: { json: 'window', max: 0xffffffff, lockable: true },
  cwnd: { json: 'cwnd', max: 0xffffffff, lockable: true },
  ssthresh: { json: 'ssthresh', max: 0xffffffff, lockable: true },
  initcwnd: { json: 'initcwnd', max: 0xffffffff, lockable: true },
  initrwnd: { json: 'initrwnd', max: 0xffffffff, lockable: true },
  reordering: { json: 'reordering', max: 0xffffffff, lockable: true },
  hoplimit: { json: 'hoplimit', max: 255, lockable: true },
  quickack: { json: 'quickack', max: 1, lockable: false },
  fastopen_no_cookie: { json: 'fastopen_no_cookie', max: 1, lockable: false },
};

const OWNED: Record<string, string> = {
  metric: 'the main-table metric is DEFAULT_ROUTE_METRIC',
  preference: 'the main-table metric is DEFAULT_ROUTE_METRIC',
  priority: 'the main-table metric is DEFAULT_ROUTE_METRIC',
  table: 'tables are set per uplink with IFACE_TABLES',
  dev: 'devices are set per uplink with IFACE_DEVICE',
  via: 'gateways are set per uplink with IFACE_GWS',
  src: 'source addresses are set per uplink with IFACE_IPS',
  nexthop: 'uplink-lb builds the nexthops itself',
  nhid: 'uplink-lb builds the nexthops itself',
  weight: 'weights are set per uplink with IFACE_WEI',
  scope: 'uplink-lb sets the scope',
  type: 'uplink-lb sets the route type',
  encap: 'encapsulation is not supported',
};

export interface RouteOptionsResult {
  options: RouteOptions;
  errors: string[];
}

/** Parses ROUTE_OPTIONS tokens; `protocols` maps names from rt_protos to numbers. */
export function parseRouteOptions(tokens: readonly string[], protocols: ReadonlyMap<string, number>): RouteOptionsResult {
  const errors: string[] = [];
  const options: RouteOptions = { args: [], onlink: false, metrics: {} };
  const seen = new Set<string>();
  let i = 0;
  const take = (): string | undefined => tokens[i++];
  while (i < tokens.length) {
    const word = take() ?? '';
    if (seen.has(word)) errors.push(`"${word}" is given twice`);
    seen.add(word);
    if (word in OWNED) {
      errors.push(`"${word}" cannot be set in ROUTE_OPTIONS: ${OWNED[word]}`);
      if (word !== 'nexthop') take();
      continue;
    }
    const numeric = NUMERIC[word];
    if (numeric) {
      let value = take();
      const args = [word];
      if (value === 'lock' && numeric.lockable) {
        args.push('lock');
        value = take();
      }
      if (value === undefined || !/^\d+$/.test(value) || Number(value) > numeric.max) {
        errors.push(`"${word}" needs a number from 0 to ${numeric.max}, got ${value === undefined ? 'nothing' : `"${value}"`}`);
        continue;
      }
      options.args.push(...args, value);
      options.metrics[numeric.json] = Number(value);
      continue;
    }
    switch (word) {
      case 'proto':
      case 'protocol': {
        const value = take();
        const number = value === undefined ? undefined : /^\d+$/.test(value) ? Number(value) : protocols.get(value);
        if (value === undefined || number === undefined || number > 255) {
          errors.push(`"proto" needs a protocol number (0..255) or a name from rt_protos, got ${value === undefined ? 'nothing' : `"${value}"`}`);
          continue;
        }
        options.args.push('proto', String(number));
        options.protocol = number;
        break;
      }
      case 'congctl': {
        let value = take();
        const args = ['congctl'];
        if (value === 'lock') {
          args.push('lock');
          value = take();
        }
        if (value === undefined || !/^[a-z][a-z0-9_]{0,15}$/.test(value)) {
          errors.push(`"congctl" needs a congestion control algorithm name, got ${value === undefined ? 'nothing' : `"${value}"`}`);
          continue;
        }
        options.args.push(...args, value);
        options.metrics.congestion = value;
        break;
      }
      case 'features': {
        const value = take();
        if (value !== 'ecn') {
          errors.push(`"features" takes only "ecn", got ${value === undefined ? 'nothing' : `"${value}"`}`);
          continue;
        }
        options.args.push('features', 'ecn');
        options.metrics.ecn = null;
        break;
      }
      case 'onlink':
        options.args.push('onlink');
        options.onlink = true;
        break;
      default:
        errors.push(`"${word}" is not an ip route option uplink-lb accepts (proto, mtu, advmss, window, cwnd, ssthresh, initcwnd, initrwnd, reordering, hoplimit, quickack, fastopen_no_cookie, congctl, features ecn, onlink)`);
    }
  }
  return { options, errors };
}
