// What uplink-lb owned at one moment, as a goal: diff(snapshot, later) plans the way back, so a
// rollback is a reconcile towards the old state by the same pure code. Pure.
import { MAIN_TABLE } from '../kernel/tables.js';
import type { Observed } from '../kernel/types.js';
import type { Goal } from './diff.js';
import type { KernelTarget } from './desired.js';
import { lanKey } from './lan-prefixes.js';
import { ownsNexthop, ownsRoute, ownsRule, type Scope } from './ownership.js';

/** One family's owned objects as a target. */
function ownedTarget(observed: Observed, scope: Scope): KernelTarget {
  const routes = observed.routes.filter((r) => ownsRoute(r, scope));
  const target: KernelTarget = {
    rules: observed.rules.filter(ownsRule),
    tableRoutes: routes.filter((r) => r.table !== MAIN_TABLE),
    // a client's route that was taken over is not put back: its gateway is recorded
    takeover: [],
    nexthops: (observed.nexthops ?? []).filter(ownsNexthop),
  };
  const main = routes.filter((r) => r.table === MAIN_TABLE);
  const mainDefault = main.find((r) => r.dst === 'default');
  if (mainDefault) target.mainDefault = mainDefault;
  // (a duplicate default, appended by someone at uplink-lb's key, is not put back)
  const others = main.filter((r) => r.dst !== 'default');
  if (others.length > 0) target.mainRoutes = others;
  return target;
}

export function ownedSnapshot(observed: Observed, scope: Scope): Goal {
  const target = ownedTarget(observed, scope);
  if (observed.inet6) {
    const owned = new Set(scope.ownedAddresses ?? []);
    const addresses = observed.inet6.addresses.filter((a) => a.prefix === 64 && owned.has(lanKey(a)));
    target.inet6 = { ...ownedTarget(observed.inet6, scope), addresses: addresses.map((a) => ({ device: a.device, address: a.address, uplink: '', preferred: a.deprecated !== true })) };
  }
  const goal: Goal = { target, scope: { ownedTables: [...scope.ownedTables], metric: scope.metric } };
  if (scope.ownedAddresses) goal.scope.ownedAddresses = [...scope.ownedAddresses];
  return goal;
}
