import type { RouteOptions } from './route-options.js';

/** A value the configuration leaves to the interface or the DHCP lease. */
export type Auto = 'auto';

export interface UplinkConfig {
  /** Position in the arrays, 0-based: the uplink's identity comes from the file, not from events. */
  index: number;
  device: string;
  /** Routing table number, and the text the configuration used for it. */
  table: number;
  tableLabel: string;
  priority: number;
  address: string | Auto;
  prefix: number | Auto;
  gateway: string | Auto;
  weight: number;
  mark: number;
}

export interface Config {
  /** Where the configuration came from, for messages. */
  source: string;
  uplinks: UplinkConfig[];
  routeOptions: RouteOptions;
  /** Metric of the main-table default route that uplink-lb owns. */
  metric: number;
}

export interface ConfigProblem {
  /** "FILE:LINE", or "environment NAME". */
  where: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.where}: ${problem.message}`;
}
