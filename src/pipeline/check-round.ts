// One moment of `uplink-lb check`, the orchestrator above health/: keep the probers matched to
// the uplinks, judge what they heard, record it, and reconcile when the kernel target changed
// (or has not been verified for a while).
import { bootId, monotonicMs, wallIso } from '../util/clock.js';
import type { Config } from '../config/types.js';
import type { Observed } from '../kernel/types.js';
import { observeInterfaces } from '../kernel/observe.js';
import type { EventNeed } from '../kernel/monitor.js';
import { nftAvailable } from '../kernel/nft.js';
import { readHashPolicy } from '../kernel/sysctl.js';
import { desired, type Desired } from '../plan/desired.js';
import type { UplinkState } from '../plan/uplink-state.js';
import type { Lease } from '../plan/lease.js';
import { readLeases } from '../state/lease.js';
import { readPeerDns } from '../state/peer-dns.js';
import { readResolvers6 } from '../state/resolvers6.js';
import type { Dhcp6Resolvers } from '../plan/uplink-resolvers.js';
import { recordedResolvers } from '../state/resolvconf.js';
import type { RecordedResolvers } from '../plan/resolvconf-records.js';
import { readDelegations } from '../state/prefix6.js';
import { judgedSides } from '../plan/health-key.js';
import { readMaintenance } from '../state/maintenance.js';
import type { Maintenance } from '../plan/maintenance.js';
import { releaseAtDeadlines } from './maintenance.js';
import { releaseAfterFailback } from './failback.js';
import { releaseInPair } from './pair-release.js';
import { lookAtSync, type SyncMemo } from './pair-sync.js';
import type { Log } from '../util/log.js';
import { evaluate, nextJudgement, probePlans, undecided } from '../health/evaluate.js';
import { drainedDevices, weightFactors } from '../health/machine.js';
import type { Probers } from '../health/probers.js';
import { readHealthRecord, writeHealthRecord, type HealthRecord } from '../state/health.js';
import { reconcile } from './reconcile.js';
import { countPinned, writeMetrics } from './metrics-file.js';
import { recordTransitions, type Transition } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { trackWeight } from '../pair/track-weight.js';
import { writeTrackFile } from '../state/track-file.js';

/** Full reconciles happen when the desired state changes, on every link, address, route or
 *  rule event of an uplink or of uplink-lb's own (drift is seen as it happens), and at least
 *  this often anyway. */
const VERIFY_EVERY_MS = 120_000;
/** After a reconcile that failed (and rolled back), the next one comes this soon anyway. */
const RETRY_FAILED_MS = 30_000;
/** An event verifies at most this often (a DHCP client fighting over a route must not make
 *  the check spin); the state changes the probes find are not held back. */
const EVENT_VERIFY_GAP_MS = 1_000;
/** Links, addresses and leases are read again on those events too, and at least this often
 *  (a DHCP renewal may change a gateway without an event). */
const OBSERVE_EVERY_MS = 120_000;
/** The health record and the metrics are written when something changed, and at least this
 *  often (status and node_exporter read them). */
const WRITE_EVERY_MS = 2_000;

export interface Memo {
  /** The kernel target the last full reconcile made true, as text. */
  fingerprint: string;
  verifiedAt: number;
  /** The last reconcile failed (and rolled back) then: the next one comes RETRY_FAILED_MS
   *  later even when nothing else asks for it. */
  failedAt?: number;
  /** Connections pinned to each uplink, counted at the last full reconcile (for the metrics). */
  pinned: ReadonlyMap<string, number>;
  /** Links, addresses, leases and maintenance drains as last read, and when. */
  seen?: { observed: Observed; leases: ReadonlyMap<string, Lease>; delegated: ReadonlyMap<string, readonly string[]>; maintenance: ReadonlyMap<string, Maintenance>; peerResolvers: ReadonlyMap<string, readonly string[]>; recordedResolvers: ReadonlyMap<string, RecordedResolvers>; dhcp6Resolvers: Dhcp6Resolvers; nft: boolean; hash: number | undefined; at: number };
  writtenAt: number;
  /** An event came that has not been verified yet (it came too soon after the last verify). */
  owed?: boolean;
  /** The uplinks as `seen` shows them, and what the last judgement wanted of the kernel: a
   *  judgement that changes no uplink's route membership or weight computes neither again. */
  derived?: { config: Config; seen: Seen; states: UplinkState[]; routing: string; want: Desired; wanted: string };
  /** The weight last written to HA_TRACK_FILE (a router of a pair). */
  tracked?: number;
  /** conntrackd's synchronisation as last looked at (a router of a pair). */
  sync?: SyncMemo;
}

type Seen = NonNullable<Memo['seen']>;

export const FRESH_MEMO: Memo = { fingerprint: '', verifiedAt: 0, pinned: new Map(), writtenAt: 0 };

export interface RoundReport {
  record: HealthRecord;
  memo: Memo;
  /** When to judge again unless a link event comes first (monotonic ms). */
  due: number;
  /** A target has not been probed for a failure window yet (and never answered). */
  undecided: boolean;
}

/** One judgement. `config` is read fresh by the caller, so edits take effect at once; `refresh`
 *  says a monitor event came: links and addresses are read again, and the kernel verified
 *  (for an `observe` event only when they read differently than before). */
export function checkRound(config: Config, log: Log, previous: HealthRecord, memo: Memo, probers: Probers, refresh: EventNeed | undefined): RoundReport {
  // the judgement's moments are monotonic (util/clock.ts); the transitions' labels are wall time
  const now = monotonicMs();
  const wall = Date.now();
  const seen =
    refresh === undefined && memo.seen && now - memo.seen.at < OBSERVE_EVERY_MS
      ? memo.seen
      : {
          observed: observeInterfaces(),
          leases: readLeases(config.uplinks.map((u) => u.device), (text) => log.warn(text)),
          delegated: readDelegations(config.uplinks.map((u) => u.device), (text) => log.warn(text)),
          maintenance: new Map(Object.entries(readMaintenance((text) => log.warn(text)))),
          peerResolvers: readPeerDns(config.uplinks.map((u) => u.device), (text) => log.warn(text)),
          recordedResolvers: recordedResolvers(config.uplinks.map((u) => u.device)),
          dhcp6Resolvers: readResolvers6(config.uplinks.map((u) => u.device), (text) => log.warn(text)),
          nft: nftAvailable(),
          hash: readHashPolicy(),
          at: now,
        };
  const { observed, leases, delegated, maintenance, peerResolvers, recordedResolvers: recorded, dhcp6Resolvers } = seen;
  releaseAtDeadlines(config, maintenance, now, log);
  const cached = memo.derived?.seen === seen && memo.derived.config === config ? memo.derived : undefined;
  // every uplink's IPv4 side, and the IPv6 sides with IPv6 targets of their own
  const states = cached?.states ?? judgedSides(desired(config, observed, { leases, delegated }).uplinks);
  if (!cached) probers.sync(probePlans(states), config.check);
  const logs = probers.logs();
  const { uplinks, changes } = evaluate(config, states, logs, previous, now, wallIso);
  for (const change of changes) log.warn(change.line, { device: change.device, event: change.state });
  const transitions: Transition[] = changes.map((c) => ({ at: wall, device: c.device, event: c.state, cause: c.cause }));
  const drained = drainedDevices(uplinks);
  const factors = weightFactors(uplinks);
  const routing = JSON.stringify([[...drained].sort(), [...factors].sort()]);
  const want = cached?.routing === routing ? cached.want : desired(config, observed, { leases, delegated, drained, factors, maintenance, peerResolvers, recordedResolvers: recorded, dhcp6Resolvers, nft: seen.nft, multipathHash: seen.hash });
  if (want.failOpen && !previous.failOpen) {
    log.error('fail open: every uplink fails its probes; the probe targets are the likelier culprits, so all uplinks stay in the default route', { event: 'fail-open' });
    transitions.push({ at: wall, event: 'fail-open', cause: 'every uplink fails its probes' });
  }
  if (!want.failOpen && previous.failOpen) {
    log.warn('fail open ended: routing by health again', { event: 'fail-open-ended' });
    transitions.push({ at: wall, event: 'fail-open-ended', cause: 'an uplink answers its probes again' });
  }
  recordTransitions(transitions);
  releaseAfterFailback(config, want.uplinks, uplinks, now, log);
  if (config.ha) releaseInPair(config, want.uplinks, uplinks, now, log);
  const record: HealthRecord = { version: 2, boot: bootId(), updated: now, failOpen: want.failOpen, uplinks, rounds: (previous.rounds ?? 0) + 1 };
  // everything a reconcile would make true (rules, routes, the nftables table, a DHCP client's
  // route to take over: udhcpc puts its own back at every renewal), the gateways to record, and
  // the configuration's text (an edited file, radvd's or the resolvers' that no kernel change
  // shows, is made true by this run, not left to one that read the former file)
  const wanted = cached?.want === want ? cached.wanted : JSON.stringify([want.target, want.learned, want.resolvers, config.text]);
  // a renewal's new lifetimes change nothing uplink-lb reads: nothing to verify then
  const moved = refresh === 'verify' || (refresh === 'observe' && JSON.stringify(seen.observed) !== JSON.stringify(memo.seen?.observed));
  const owed = moved || memo.owed === true;
  // after a failure, events wait for the retry: the rollback's own changes are events, and
  // verifying at each would fail, roll back and log once a second for as long as it fails
  const failing = memo.failedAt !== undefined && now - memo.failedAt < RETRY_FAILED_MS;
  const retryDue = memo.failedAt !== undefined && !failing;
  const eventDue = owed && !failing && now - memo.verifiedAt >= EVENT_VERIFY_GAP_MS;
  const reconciling = eventDue || retryDue || wanted !== memo.fingerprint || now - memo.verifiedAt >= VERIFY_EVERY_MS;
  const writing = reconciling || transitions.length > 0 || now - memo.writtenAt >= WRITE_EVERY_MS;
  // the reconcile reads the record: it goes first
  if (writing) writeHealthRecord(record);
  let next: Memo = { ...memo, seen, writtenAt: writing ? now : memo.writtenAt, owed: owed && !reconciling, derived: { config, seen, states, routing, want, wanted } };
  if (config.ha) {
    next.tracked = offerToPair(config.ha.trackFile, trackWeight(want.uplinks, drained), memo.tracked, log);
    const sync = lookAtSync(config, memo.sync, now, wall, log);
    if (sync) next.sync = sync;
  }
  if (reconciling) {
    let failedAt: number | undefined;
    let changed = true;
    try {
      changed = reconcile(config, log).applied.length > 0;
    } catch (err) {
      // A failed run has rolled back; try again after RETRY_FAILED_MS, not at every moment.
      log.error(`reconcile: ${(err as Error).message}`);
      failedAt = now;
    }
    next = { ...next, fingerprint: wanted, verifiedAt: now, failedAt, pinned: countPinned(config) };
    // what the reconcile changed (or rolled back) is read again at the next moment
    if (changed) delete next.seen;
  }
  // the hooks hear of it once the routes have changed: starting them never delays that
  announce(transitions, config.eventHooksDir);
  if (writing) writeMetrics(config, want, record, next.pinned, log);
  const due = nextJudgement(config, states, logs, record, now, WRITE_EVERY_MS);
  const verifyAt = next.failedAt !== undefined ? next.failedAt + RETRY_FAILED_MS : next.owed ? next.verifiedAt + EVENT_VERIFY_GAP_MS : Infinity;
  return { record, memo: next, due: Math.min(due, verifyAt), undecided: undecided(states, logs, now) };
}

/** A router of a pair: the weight of its working shared uplinks, for keepalived, written when
 *  it changed (a file that cannot be written is said, and tried again at the next judgement). */
function offerToPair(path: string, weight: number, before: number | undefined, log: Log): number | undefined {
  if (weight === before) return before;
  try {
    if (writeTrackFile(path, weight) && before !== undefined) log.info(`pair: this router offers weight ${weight} now (was ${before}) in ${path}`, { event: 'ha-weight' });
    return weight;
  } catch (err) {
    log.error(`pair: cannot write ${path}: ${(err as Error).message}`);
    return before;
  }
}

/** When a run ends: its last judgement, even one that changed no state (a hold-down's reason,
 *  the probes), is what the next run, `status` and the metrics read. */
export function writeLastJudgement(config: Config, record: HealthRecord, memo: Memo, log: Log): void {
  writeHealthRecord(record);
  if (memo.derived) writeMetrics(config, memo.derived.want, record, memo.pinned, log);
}

export function startingRecord(log: Log): HealthRecord {
  return readHealthRecord((text) => log.warn(text));
}
