// What uplink-lb owned at one moment, as a Desired: diff(snapshot, later) plans the way back,
// so a rollback is a reconcile towards the old state by the same pure code. Pure.
import { MAIN_TABLE, type Observed } from '../kernel/types.js';
import type { Desired } from './desired.js';
import { ownsRoute, ownsRule } from './diff.js';

type Owner = Pick<Desired, 'ownedTables' | 'metric'>;

export function ownedSnapshot(observed: Observed, owner: Owner): Desired {
  const routes = observed.routes.filter((r) => ownsRoute(r, owner));
  const snapshot: Desired = {
    uplinks: [],
    rules: observed.rules.filter(ownsRule),
    tableRoutes: routes.filter((r) => r.table !== MAIN_TABLE),
    failOpen: false,
    ownedTables: [...owner.ownedTables],
    metric: owner.metric,
    // a client's route that was taken over is not put back: its gateway is recorded
    takeover: [],
    learned: [],
  };
  const main = routes.find((r) => r.table === MAIN_TABLE);
  if (main) snapshot.mainDefault = main;
  return snapshot;
}
