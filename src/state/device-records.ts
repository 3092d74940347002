// Records kept per uplink device under the run directory (lease.DEVICE, prefix6.DEVICE): each
// configured device's record read and validated; an untrusted one is reported and skipped.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Result } from '../util/result.js';
import { readStateFile } from './rundir.js';

/** PREFIX + DEVICE in `dir`. */
export const devicePath = (prefix: string, device: string, dir: string): string => join(dir, `${prefix}${device}`);

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
