// One probe round: every uplink and every target at once, so one dead uplink never slows the
// others and a round lasts about one timeout whatever fails.
import type { CheckConfig, ProbeMethod } from '../config/types.js';
import type { TargetResult } from './machine.js';
import { pingThrough } from './probe-icmp.js';
import { tcpThrough } from './probe-tcp.js';

export interface ProbePlan {
  device: string;
  source: string;
  /** Targets; the gateway when none is configured. */
  targets: string[];
  method: ProbeMethod;
}

export async function probeRound(plans: readonly ProbePlan[], check: CheckConfig): Promise<Map<string, TargetResult[]>> {
  const results = await Promise.all(
    plans.map(async (plan) => {
      const probes = await Promise.all(
        plan.targets.map((target) =>
          plan.method.kind === 'icmp'
            ? pingThrough(plan.source, target, check.count, check.timeout)
            : tcpThrough(plan.source, target, plan.method.port, check.count, check.timeout),
        ),
      );
      return [plan.device, probes] as const;
    }),
  );
  return new Map(results);
}

/** A round is good when at least `reliability` targets answered at least once. Pure. */
export function judge(probes: readonly TargetResult[], reliability: number): { good: boolean; detail: string } {
  const answered = probes.filter((p) => p.received > 0).length;
  const detail = probes.map((p) => `${p.target} ${p.received}/${p.sent}${p.error ? ` ${p.error}` : ''}`).join(', ');
  return { good: answered >= reliability, detail: `${answered} of ${probes.length} targets answered: ${detail}` };
}
