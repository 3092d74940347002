// The running probers: one per uplink and target, started and stopped to match the probe
// plans (an uplink that goes down, changes address or target list gets new ones).
import type { CheckConfig, ProbeMethod } from '../config/types.js';
import { IcmpProber, PROBE_DIR } from './prober-icmp.js';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TcpProber } from './prober-tcp.js';
import type { TargetLog } from './window.js';

export interface ProbePlan {
  device: string;
  source: string;
  /** Targets; the gateway when none is configured. */
  targets: string[];
  method: ProbeMethod;
  /** The uplink's mark: ICMP probes carry it, so that no traffic policy moves them. */
  mark: number;
}

interface Prober {
  snapshot(): TargetLog;
  stop(): void;
}

function removeLeftovers(): void {
  let names: string[] = [];
  try {
    names = readdirSync(PROBE_DIR);
  } catch {
    return;
  }
  for (const name of names) rmSync(join(PROBE_DIR, name), { force: true });
}

/** Samples are kept this much longer than the quality window. */
const KEEP_EXTRA_SECONDS = 5;

export class Probers {
  /** `untilMs`: when the run ends (a ping outliving a killed run stops soon after). Files a
   *  killed run's pings left behind are removed (this run holds the check lock). */
  constructor(private readonly untilMs: number) {
    removeLeftovers();
  }

  private readonly running = new Map<string, { device: string; source: string; target: string; prober: Prober }>();
  private plans: readonly ProbePlan[] = [];

  /** Starts what the plans need and stops what they no longer name. */
  sync(plans: readonly ProbePlan[], check: CheckConfig): void {
    this.plans = plans;
    const wanted = new Set<string>();
    const keep = check.qualityWindow + KEEP_EXTRA_SECONDS;
    for (const plan of plans) {
      for (const target of plan.targets) {
        const key = JSON.stringify([plan.device, plan.source, target, plan.method, plan.mark, check.interval, check.timeout, keep]);
        wanted.add(key);
        if (this.running.has(key)) continue;
        const prober =
          plan.method.kind === 'icmp'
            ? new IcmpProber(plan.source, plan.mark, target, check.interval, check.timeout, keep, this.untilMs)
            : new TcpProber(plan.source, target, plan.method.port, check.interval, check.timeout, keep);
        this.running.set(key, { device: plan.device, source: plan.source, target, prober });
      }
    }
    for (const [key, { prober }] of this.running) {
      if (wanted.has(key)) continue;
      prober.stop();
      this.running.delete(key);
    }
  }

  /** What each planned uplink's targets said, in the plan's order. */
  logs(): Map<string, TargetLog[]> {
    const running = [...this.running.values()];
    const of = (plan: ProbePlan, target: string): TargetLog[] =>
      running.filter((r) => r.device === plan.device && r.source === plan.source && r.target === target).map((r) => r.prober.snapshot());
    return new Map(this.plans.map((plan) => [plan.device, plan.targets.flatMap((target) => of(plan, target))]));
  }

  stopAll(): void {
    for (const { prober } of this.running.values()) prober.stop();
    this.running.clear();
  }
}
