// What every entry point needs: the configuration path, loading with located errors, a log.
import { loadConfig, type LoadResult } from '../config/load.js';
import { formatProblem } from '../config/types.js';
import { DEFAULT_CONFIG } from '../paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

export function configPath(flag: string | undefined, env: Env): string {
  return flag ?? env.UPLINK_LB_CONFIG ?? DEFAULT_CONFIG;
}

export function loadFrom(path: string, env: Env): LoadResult {
  return loadConfig(path, env);
}

export function problemsText(result: LoadResult): string {
  return result.problems.map(formatProblem).join('\n');
}
