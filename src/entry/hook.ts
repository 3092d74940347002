// The if-up.d / if-down.d hook: ifupdown (and ifupdown2) run it for every interface with IFACE
// and MODE.
import { reconcile } from '../pipeline/reconcile.js';
import { Log } from '../util/log.js';
import { checkDevice } from '../config/checkers.js';
import { loadConfiguration, mayConcern, type Env } from './context.js';

/** ifupdown runs the hooks once per address family of a stanza: the inet6 run is not
 *  uplink-lb's. Only ifupdown's ADDRFAM is trusted (it sets VERBOSITY too): ifupdown2 3.0.0 runs
 *  them once per interface, with no VERBOSITY and an ADDRFAM that may be another interface's. */
function ipv6Only(env: Env): boolean {
  return env.ADDRFAM === 'inet6' && env.VERBOSITY !== undefined;
}

export function runHook(env: Env): number {
  const iface = env.IFACE;
  const mode = env.MODE;
  const log = new Log(env.VERBOSITY === '1' || process.stderr.isTTY === true);
  if (!iface) {
    process.stderr.write('uplink-load-balancing: IFACE is not set; this hook is run by ifupdown (use `uplink-lb apply` by hand)\n');
    return 2;
  }
  if (iface === '--all' || iface === 'lo' || env.ADDRFAM === 'meta' || ipv6Only(env)) return 0;
  const name = checkDevice(iface);
  if ('problem' in name) {
    process.stderr.write(`uplink-load-balancing: IFACE: ${name.problem}\n`);
    return 2;
  }
  if (mode !== 'start' && mode !== 'stop') {
    process.stderr.write(`uplink-load-balancing: MODE is ${JSON.stringify(mode)}, expected start or stop\n`);
    return 2;
  }
  const loaded = loadConfiguration(env);
  // only an interface the file names (or might name) fails on a broken configuration
  if (!mayConcern(loaded, iface)) return 0;
  if ('problem' in loaded.config) {
    log.error(`configuration is invalid, ${iface} left as it is:\n${loaded.config.problem}`);
    log.flush();
    if (!log.toStderrEnabled()) process.stderr.write(`uplink-load-balancing: invalid configuration:\n${loaded.config.problem}\n`);
    return mode === 'stop' ? 0 : 1;
  }
  try {
    reconcile(loaded.config.value, log, { device: iface, mode });
    return 0;
  } catch (err) {
    log.error(`${iface} ${mode}: ${(err as Error).message}`);
    if (!log.toStderrEnabled()) process.stderr.write(`uplink-load-balancing: ${iface} ${mode}: ${(err as Error).message}\n`);
    // Never block ifdown: a failing pre-down hook would leave dhclient running.
    return mode === 'stop' ? 0 : 1;
  } finally {
    log.flush();
  }
}
