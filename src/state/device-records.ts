// Records kept per uplink device under the run directory (lease.DEVICE, prefix6.DEVICE,
// peerdns.DEVICE): each a JSON object of a stated shape that names its device; each configured
// device's record read and validated; an untrusted one is reported and skipped.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type * as v from 'valibot';
import { bad, type Result } from '../util/result.js';
import { parseRecord } from './json-record.js';
import { readStateFile } from './rundir.js';

/** PREFIX + DEVICE in `dir`. */
export const devicePath = (prefix: string, device: string, dir: string): string => join(dir, `${prefix}${device}`);

/** A device record's text validated against `schema`: the record, or why it is not trusted
 *  (one that names another device is not). */
export function parseDeviceRecord<T extends { device: string }>(device: string, text: string, schema: v.GenericSchema<unknown, T>): Result<T> {
  const record = parseRecord(text, schema);
  if ('value' in record && record.value.device !== device) return bad(`names device ${JSON.stringify(record.value.device)}, not ${device}`);
  return record;
}

/** Every configured device's record of this kind, parsed by `parse`; untrusted ones are reported
 *  through `warn` ("PATH: why; ignored") and skipped. */
export function readDeviceRecords<T>(prefix: string, devices: readonly string[], parse: (device: string, text: string) => Result<T>, warn: (text: string) => void, dir: string): Map<string, T> {
  const found = new Map<string, T>();
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return found;
  }
  for (const device of devices) {
    if (!names.includes(`${prefix}${device}`)) continue;
    const path = devicePath(prefix, device, dir);
    const text = readStateFile(path);
    if ('problem' in text) warn(`${path}: ${text.problem}; ignored`);
    if (!('value' in text) || text.value === undefined) continue;
    const record = parse(device, text.value);
    if ('problem' in record) warn(`${path}: ${record.problem}; ignored`);
    else found.set(device, record.value);
  }
  return found;
}
