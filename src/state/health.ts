// The health record in the run directory: written atomically after every round, read by every
// run (so the hook and the check agree). A record that does not validate is reset, not trusted.
// Its times are on the monotonic clock of the boot it names (util/clock.ts): a jump of the wall
// clock moves none of them; status turns them into wall time for people.
import { join } from 'node:path';
import { RUNDIR } from '../paths.js';
import { ensureRunDir, writeAtomic } from './rundir.js';
import * as v from 'valibot';
import { finite, parseRecord, readRecord } from './json-record.js';
import type { Result } from '../util/result.js';
import { drainedDevices, weightFactors, type UplinkHealth, type TargetResult } from '../health/machine.js';
import { bootId } from '../util/clock.js';

export interface HealthRecord {
  /** 2: monotonic times (1, before: wall times, read as no record). */
  version: 2;
  /** The boot whose monotonic clock the times are on. */
  boot: string;
  /** When the last round finished (monotonic ms). */
  updated: number;
  /** Every candidate uplink failed its probes: all kept in the route. */
  failOpen: boolean;
  /** Probe rounds since the run directory was made (since boot): a Prometheus counter. */
  rounds?: number;
  uplinks: Record<string, UplinkHealth>;
}

export const EMPTY_RECORD: HealthRecord = { version: 2, boot: '', updated: 0, failOpen: false, uplinks: {} };

const healthPath = (dir = RUNDIR): string => join(dir, 'health.json');

const PROBE: v.GenericSchema<unknown, TargetResult> = v.object({
  target: v.string(),
  sent: finite(),
  received: finite(),
  rttMs: v.nullable(finite()),
  jitterMs: v.optional(finite()),
  error: v.optional(v.string()),
});

const UPLINK: v.GenericSchema<unknown, UplinkHealth> = v.object({
  state: v.picklist(['up', 'degraded', 'draining', 'recovering']),
  since: finite(),
  reason: v.string(),
  probes: v.array(PROBE),
  steadySince: v.optional(finite()),
  factor: v.optional(finite()),
  transitions: v.optional(finite()),
  flaps: v.optional(finite()),
  lastFlap: v.optional(finite()),
  holdUntil: v.optional(finite()),
  standbySince: v.optional(finite()),
  standbyReleased: v.optional(finite()),
  outSince: v.optional(finite()),
  outReleased: v.optional(finite()),
});

const RECORD: v.GenericSchema<unknown, HealthRecord> = v.object({
  version: v.literal(2),
  boot: v.string(),
  updated: finite(),
  failOpen: v.boolean(),
  uplinks: v.record(v.string(), UPLINK),
  rounds: v.optional(finite()),
});

/** What an earlier version wrote (wall times): read as no record, quietly (an upgrade's first
 *  check writes a new one within a second). */
const FORMER = v.looseObject({ version: v.literal(1) });
const STORED = v.union([RECORD, FORMER]);

/** Parses a record's text: the record, or why it is not trusted. */
export function parseHealthRecord(text: string): Result<HealthRecord> {
  return parseRecord(text, RECORD);
}

/** The record, when it is of this version and this boot; otherwise none (EMPTY_RECORD). */
export function readHealthRecord(warn: (text: string) => void, dir = RUNDIR): HealthRecord {
  const path = healthPath(dir);
  const record = readRecord(path, STORED);
  if ('value' in record) {
    const value = record.value;
    return value !== undefined && value.version === 2 && value.boot === bootId() ? value : EMPTY_RECORD;
  }
  warn(`${path}: ${record.problem}; health reset (every uplink treated as up)`);
  return EMPTY_RECORD;
}

/** Written every 2 s by the check, into the run directory it made sure of when it started; made
 *  again (and checked, as then) only when it is gone. */
export function writeHealthRecord(record: HealthRecord, dir = RUNDIR): void {
  const text = `${JSON.stringify(record)}\n`;
  try {
    writeAtomic(healthPath(dir), text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    ensureRunDir(dir);
    writeAtomic(healthPath(dir), text);
  }
}

/** A health record this old is not trusted: no check has run for minutes (cron gone?), and a
 *  drained uplink must not stay out of the route forever on old news. */
export const STALE_HEALTH_MS = 5 * 60_000;

/** The drained uplinks and lowered weights a reconcile should honour, and a warning when the
 *  record is stale. Pure. */
export function trustedDrained(record: HealthRecord, now: number): { drained: Set<string>; factors: Map<string, number>; stale?: string } {
  const drained = drainedDevices(record.uplinks);
  const factors = weightFactors(record.uplinks);
  if (now - record.updated <= STALE_HEALTH_MS) return { drained, factors };
  if (drained.size === 0) return { drained, factors: new Map() };
  const age = Math.round((now - record.updated) / 1000);
  return {
    drained: new Set(),
    factors: new Map(),
    stale: `the health record is ${age} s old (is cron running uplink-lb check?): ignoring that ${[...drained].join(', ')} ${drained.size > 1 ? 'were' : 'was'} drained`,
  };
}
