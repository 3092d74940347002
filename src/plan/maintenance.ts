// An uplink the administrator drained (`uplink-lb drain`): a plan input, recorded by
// state/maintenance.ts.

export interface Maintenance {
  /** When it was drained (monotonic ms, as every time below). */
  since: number;
  /** When its pinned connections are released, if ever. */
  deadline?: number;
  /** When they were released. */
  released?: number;
}
