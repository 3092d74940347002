// An uplink the administrator drained (`uplink-lb drain`): a plan input, recorded by
// state/maintenance.ts.

export interface Maintenance {
  /** When it was drained (ms since the epoch). */
  since: number;
  /** When its pinned connections are released, if ever. */
  deadline?: number;
  /** When they were released. */
  released?: number;
}
