// What uplink-lb owned at one moment, as a goal: diff(snapshot, later) plans the way back, so a
// rollback is a reconcile towards the old state by the same pure code. Pure.
import { MAIN_TABLE } from '../kernel/tables.js';
import type { Observed } from '../kernel/types.js';
import type { Goal } from './diff.js';
import { ownsNexthop, ownsRoute, ownsRule, type Scope } from './ownership.js';

export function ownedSnapshot(observed: Observed, scope: Scope): Goal {
  const routes = observed.routes.filter((r) => ownsRoute(r, scope));
  const goal: Goal = {
    target: {
      rules: observed.rules.filter(ownsRule),
      tableRoutes: routes.filter((r) => r.table !== MAIN_TABLE),
      // a client's route that was taken over is not put back: its gateway is recorded
      takeover: [],
      nexthops: (observed.nexthops ?? []).filter(ownsNexthop),
    },
    scope: { ownedTables: [...scope.ownedTables], metric: scope.metric },
  };
  const main = routes.find((r) => r.table === MAIN_TABLE);
  if (main) goal.target.mainDefault = main;
  return goal;
}
