// The health record in the run directory: written atomically after every round, read by every
// run (so the hook and the check agree). A record that does not validate is reset, not trusted.
import { join } from 'node:path';
import { RUNDIR } from '../paths.js';
import { ensureRunDir, readStateFile, writeAtomic } from './rundir.js';
import { parseJsonObject } from './json-record.js';
import { drainedDevices, type UplinkHealth, type TargetResult } from '../health/machine.js';

export interface HealthRecord {
  version: 1;
  /** When the last round finished (ms since the epoch). */
  updated: number;
  /** Every candidate uplink failed its probes: all kept in the route. */
  failOpen: boolean;
  uplinks: Record<string, UplinkHealth>;
}

export const EMPTY_RECORD: HealthRecord = { version: 1, updated: 0, failOpen: false, uplinks: {} };

export const healthPath = (dir = RUNDIR): string => join(dir, 'health.json');

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function validProbe(p: unknown): p is TargetResult {
  if (typeof p !== 'object' || p === null) return false;
  const r = p as Record<string, unknown>;
  return typeof r.target === 'string' && isNumber(r.sent) && isNumber(r.received) && (r.rttMs === null || isNumber(r.rttMs));
}

function validHealth(h: unknown): h is UplinkHealth {
  if (typeof h !== 'object' || h === null) return false;
  const r = h as Record<string, unknown>;
  return (
    (r.state === 'up' || r.state === 'draining' || r.state === 'recovering') &&
    isNumber(r.fails) && isNumber(r.goods) && isNumber(r.since) && typeof r.reason === 'string' &&
    Array.isArray(r.probes) && r.probes.every(validProbe)
  );
}

/** Parses a record's text; returns the record or why it is not trusted. */
export function parseHealthRecord(text: string): HealthRecord | string {
  const r = parseJsonObject(text);
  if (typeof r === 'string') return r;
  if (r.version !== 1) return `has version ${JSON.stringify(r.version)}, expected 1`;
  if (!isNumber(r.updated) || typeof r.failOpen !== 'boolean' || typeof r.uplinks !== 'object' || r.uplinks === null) return 'lacks updated, failOpen or uplinks';
  const uplinks: Record<string, UplinkHealth> = {};
  for (const [device, health] of Object.entries(r.uplinks as Record<string, unknown>)) {
    if (!validHealth(health)) return `has an invalid entry for ${JSON.stringify(device)}`;
    uplinks[device] = health;
  }
  return { version: 1, updated: r.updated, failOpen: r.failOpen, uplinks };
}

export function readHealthRecord(warn: (text: string) => void, dir = RUNDIR): HealthRecord {
  const path = healthPath(dir);
  const { text, problem } = readStateFile(path);
  if (text === undefined) {
    if (problem) warn(`${path}: ${problem}; health reset (every uplink treated as up)`);
    return EMPTY_RECORD;
  }
  const record = parseHealthRecord(text);
  if (typeof record === 'string') {
    warn(`${path}: ${record}; health reset (every uplink treated as up)`);
    return EMPTY_RECORD;
  }
  return record;
}

export function writeHealthRecord(record: HealthRecord, dir = RUNDIR): void {
  ensureRunDir(dir);
  writeAtomic(healthPath(dir), `${JSON.stringify(record)}\n`);
}

/** A health record this old is not trusted: no check has run for minutes (cron gone?), and a
 *  drained uplink must not stay out of the route forever on old news. */
export const STALE_HEALTH_MS = 5 * 60_000;

/** The drained uplinks a reconcile should honour, and a warning when the record is stale. Pure. */
export function trustedDrained(record: HealthRecord, now: number): { drained: Set<string>; stale?: string } {
  const drained = drainedDevices(record.uplinks);
  if (drained.size === 0 || now - record.updated <= STALE_HEALTH_MS) return { drained };
  const age = Math.round((now - record.updated) / 1000);
  return {
    drained: new Set(),
    stale: `the health record is ${age} s old (is cron running uplink-lb check?): ignoring that ${[...drained].join(', ')} ${drained.size > 1 ? 'were' : 'was'} drained`,
  };
}
