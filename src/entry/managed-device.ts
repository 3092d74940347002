// Which uplink a DHCP client's hook speaks of: the client's `interface`, if the configuration
// names it. A broken configuration leaves the client to itself (and says so for its uplinks).
import { checkDevice } from '../config/checkers.js';
import type { Config } from '../config/types.js';
import type { Log } from '../util/log.js';
import { configPath, loadFrom, problemsText, type Env } from './context.js';

export function managedDevice(env: Env, log: Log, client: string): { device: string; config: Config } | undefined {
  const device = env.interface;
  if (!device) return undefined;
  const name = checkDevice(device);
  if ('problem' in name) {
    log.error(`${client}: interface ${name.problem}; ignored`);
    return undefined;
  }
  const loaded = loadFrom(configPath(undefined, env), env);
  if (!loaded.config) {
    if (!loaded.devices || loaded.devices.includes(device)) log.error(`${client} ${device}: configuration is invalid, ${client} left to itself:\n${problemsText(loaded)}`);
    return undefined;
  }
  return loaded.config.uplinks.some((u) => u.device === device) ? { device, config: loaded.config } : undefined;
}
