// `uplink-lb status`: each uplink as configured and as found, then whether the kernel holds
// what the configuration asks for, naming every difference (like `ifquery --check`). Pure.
import type { Config } from '../config/types.js';
import type { Observed } from '../kernel/types.js';
import { MAIN_TABLE } from '../kernel/types.js';
import type { Desired } from '../plan/desired.js';
import type { Plan } from '../plan/diff.js';
import { routeText } from '../plan/describe.js';
import { describeChange } from '../pipeline/reconcile.js';

export interface StatusReport {
  uplinks: {
    device: string;
    status: string;
    reason: string;
    address: string | null;
    prefix: number | null;
    gateway: string | null;
    carrier: boolean | null;
    weight: number;
    table: number;
    tableLabel: string;
    priority: number;
    mark: string;
  }[];
  defaultRoute: string | null;
  /** Default routes in the main table that uplink-lb does not own, with a lower metric that shadows its own. */
  shadowingRoutes: string[];
  matches: boolean;
  differences: string[];
}

export function buildStatus(config: Config, observed: Observed, want: Desired, plan: Plan): StatusReport {
  const current = observed.routes.find((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.metric === config.metric);
  return {
    uplinks: want.uplinks.map((s) => ({
      device: s.uplink.device,
      status: s.status,
      reason: s.reason,
      address: s.address ?? null,
      prefix: s.prefix ?? null,
      gateway: s.gateway ?? null,
      carrier: s.carrier ?? null,
      weight: s.uplink.weight,
      table: s.uplink.table,
      tableLabel: s.uplink.tableLabel,
      priority: s.uplink.priority,
      mark: `0x${s.uplink.mark.toString(16)}`,
    })),
    defaultRoute: current ? routeText(current) : null,
    shadowingRoutes: observed.routes.filter((r) => r.table === MAIN_TABLE && r.dst === 'default' && r.metric < config.metric && r.type === 'unicast').map(routeText),
    matches: plan.changes.length === 0,
    differences: plan.changes.map((c) => `[fail] ${c.action === 'add' ? 'missing' : c.action === 'delete' ? 'unexpected' : 'different'}: ${describeChange(c)}`),
  };
}

export function formatStatus(report: StatusReport): string {
  const lines: string[] = [];
  for (const u of report.uplinks) {
    const where = u.address ? `${u.address}/${u.prefix}` : 'no address';
    const carrier = u.carrier === false ? ' (no carrier)' : '';
    lines.push(`${u.device}: ${u.status}${u.reason ? ` - ${u.reason}` : ''}${carrier}`);
    lines.push(`  address ${where}, gateway ${u.gateway ?? 'none'}, weight ${u.weight}, table ${u.tableLabel} (${u.table}), priority ${u.priority}, mark ${u.mark}`);
  }
  lines.push(`default route: ${report.defaultRoute ?? 'none'}`);
  for (const route of report.shadowingRoutes) lines.push(`warning: a default route not managed by uplink-lb has a lower metric and takes precedence: ${route}`);
  if (report.matches) lines.push('kernel: [pass] rules and routes match the configuration');
  else {
    lines.push('kernel: [fail] differs from the configuration (uplink-lb apply fixes it):');
    for (const d of report.differences) lines.push(`  ${d}`);
  }
  return lines.join('\n') + '\n';
}
