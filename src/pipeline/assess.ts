// Reads the world and plans, without changing anything: the first half of every reconcile,
// and all of `status` and `apply --dry-run`.
import { monotonicMs } from '../util/clock.js';
import type { Config } from '../config/types.js';
import { systemKernel, type Kernel } from '../kernel/kernel.js';
import type { Observed, ObservedNft } from '../kernel/types.js';
import { desired, type Desired } from '../plan/desired.js';
import type { HookEvent } from '../plan/uplink-state.js';
import { planTowards, type Plan } from '../plan/diff.js';
import { readHealthRecord, trustedDrained, type HealthRecord } from '../state/health.js';
import type { Lease } from '../plan/lease.js';
import { readLeases } from '../state/lease.js';
import { readPeerDns } from '../state/peer-dns.js';
import { readResolvers6 } from '../state/resolvers6.js';
import type { Dhcp6Resolvers } from '../plan/uplink-resolvers.js';
import { recordedResolvers } from '../state/resolvconf.js';
import type { RecordedResolvers } from '../plan/resolvconf-records.js';
import { readDelegations } from '../state/prefix6.js';
import { readOwnedLan } from '../state/lan6.js';
import { readMaintenance } from '../state/maintenance.js';
import type { Maintenance } from '../plan/maintenance.js';
import { sayOnce } from '../state/said-once.js';
import { NFT } from '../paths.js';
import type { Log } from '../util/log.js';

/** What the run directory says: the DHCP clients' leases and the health check's verdicts. */
export interface Records {
  leases: ReadonlyMap<string, Lease>;
  /** Each uplink's delegated IPv6 prefixes, as its DHCPv6 client recorded them. */
  delegated: ReadonlyMap<string, readonly string[]>;
  /** The IPv6 LAN addresses uplink-lb added. */
  ownedLan: readonly string[];
  health: HealthRecord;
  /** Uplinks the health check drained, unless its record is too old to trust. */
  drained: ReadonlySet<string>;
  /** Degraded uplinks kept in the route with a share of their weight. */
  factors: ReadonlyMap<string, number>;
  /** Uplinks the administrator drained. */
  maintenance: ReadonlyMap<string, Maintenance>;
  /** The resolvers each PPP uplink's peer announced. */
  peerResolvers: ReadonlyMap<string, readonly string[]>;
  /** The resolvers each uplink's client gave resolvconf. */
  recordedResolvers: ReadonlyMap<string, RecordedResolvers>;
  /** The IPv6 resolvers each uplink's DHCPv6 client recorded. */
  dhcp6Resolvers: Dhcp6Resolvers;
}

export interface Assessment {
  observed: Observed;
  /** uplink-lb's nftables table as read; undefined when nft is not installed. */
  nft: ObservedNft | undefined;
  health: HealthRecord;
  desired: Desired;
  plan: Plan;
  /** Connection pinning in force: configured, and nftables present. */
  pinning: boolean;
}

function readRecords(config: Config, log: Log): Records {
  const leases = readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const delegated = readDelegations(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const ownedLan = readOwnedLan((text) => log.warn(text));
  const health = readHealthRecord((text) => log.warn(text));
  const { drained, factors, stale } = trustedDrained(health, monotonicMs());
  if (stale) log.warn(stale);
  const maintenance = new Map(Object.entries(readMaintenance((text) => log.warn(text))));
  const peerResolvers = readPeerDns(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  const recorded = recordedResolvers(config.uplinks.map((u) => u.device));
  const dhcp6Resolvers = readResolvers6(config.uplinks.map((u) => u.device), (text) => log.warn(text));
  return { leases, delegated, ownedLan, health, drained, factors, maintenance, peerResolvers, recordedResolvers: recorded, dhcp6Resolvers };
}

/** Plans from `records` and what `kernel` reads. Changes nothing. */
export function assess(config: Config, kernel: Kernel, records: Records, log: Log, event?: HookEvent): Assessment {
  const observed = kernel.observe();
  for (const entry of observed.skipped ?? []) log.warn(`skipped, incomplete: ${entry}`);
  const nft = kernel.observeNft();
  const want = desired(config, observed, { leases: records.leases, delegated: records.delegated, ownedLan: records.ownedLan, drained: records.drained, factors: records.factors, maintenance: records.maintenance, peerResolvers: records.peerResolvers, recordedResolvers: records.recordedResolvers, dhcp6Resolvers: records.dhcp6Resolvers, nft: nft !== undefined, multipathHash: kernel.hashPolicy(), ...(event ? { event } : {}) });
  return { observed, nft, health: records.health, desired: want, plan: planTowards(want, observed, nft), pinning: config.pinning && nft !== undefined };
}

/** The system's kernel and records, now. */
export function assessNow(config: Config, log: Log, event?: HookEvent): Assessment {
  const assessment = assess(config, systemKernel, readRecords(config, log), log, event);
  if (config.pinning && !assessment.pinning) sayOnce('nft-missing', `${NFT} is missing: connection pinning is off (apt-get install nftables)`, log);
  return assessment;
}
