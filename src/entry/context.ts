// What every entry point needs: the configuration path, and the configuration loaded, or why
// not (located problems as text).
import { loadConfig } from '../config/load.js';
import { formatProblem, type Config } from '../config/types.js';
import { DEFAULT_CONFIG } from '../paths.js';
import { bad, ok, type Result } from '../util/result.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function configPath(flag: string | undefined, env: Env): string {
  return flag ?? env.UPLINK_LB_CONFIG ?? DEFAULT_CONFIG;
}

export interface Loaded {
  path: string;
  /** The configuration, or every problem found, one `FILE:LINE: message` a line. */
  config: Result<Config>;
  /** The devices the file names, when that much could be read (a broken file may still tell
   *  that it does not concern an interface). */
  devices?: readonly string[];
}

/** Loads the file at `path` (by default the one `configPath` names) with the environment's
 *  overrides. */
export function loadConfiguration(env: Env, path = configPath(undefined, env)): Loaded {
  const result = loadConfig(path, env);
  const config = result.config ? ok(result.config) : bad(result.problems.map(formatProblem).join('\n'));
  return result.devices ? { path, config, devices: result.devices } : { path, config };
}

/** Whether the file, valid or not, may concern `device`: only a file that could be read far
 *  enough to list its devices, and does not list this one, does not. */
export function mayConcern(loaded: Loaded, device: string): boolean {
  if ('value' in loaded.config) return loaded.config.value.uplinks.some((u) => u.device === device);
  return !loaded.devices || loaded.devices.includes(device);
}
