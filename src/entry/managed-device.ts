// Which uplink a DHCP client's or pppd's hook speaks of: the device it names, if the
// configuration names it. A broken configuration leaves the client to itself (and says so for
// its uplinks).
import { checkDevice } from '../config/checkers.js';
import type { Config } from '../config/types.js';
import type { Log } from '../util/log.js';
import { loadConfiguration, mayConcern, type Env } from './context.js';

export function managedDevice(device: string | undefined, env: Env, log: Log, client: string): { device: string; config: Config } | undefined {
  if (!device) return undefined;
  const name = checkDevice(device);
  if ('problem' in name) {
    log.error(`${client}: interface ${name.problem}; ignored`);
    return undefined;
  }
  const loaded = loadConfiguration(env);
  if (!mayConcern(loaded, device)) return undefined;
  if ('problem' in loaded.config) {
    log.error(`${client} ${device}: configuration is invalid, ${client} left to itself:\n${loaded.config.problem}`);
    return undefined;
  }
  return { device, config: loaded.config.value };
}
