// `uplink-lb drain IFACE [--deadline SECONDS]` and `uplink-lb undrain IFACE`.
import type { Config } from '../config/types.js';
import { checkDevice } from '../config/checkers.js';
import { drain, drainRefusal, undrain } from '../pipeline/maintenance.js';
import { UsageError } from '../util/errors.js';
import { Log } from '../util/log.js';

/** The longest deadline: a week. */
const MAX_DEADLINE_SECONDS = 7 * 86_400;

function parseDeadline(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) > MAX_DEADLINE_SECONDS) throw new UsageError(`--deadline: "${text}" is not a number of seconds from 0 to ${MAX_DEADLINE_SECONDS}`);
  return Number(text);
}

export function runMaintenance(command: 'drain' | 'undrain', device: string, deadlineText: string | undefined, config: Config): number {
  const name = checkDevice(device);
  if ('problem' in name) throw new UsageError(`${command}: ${name.problem}`);
  const deadline = parseDeadline(deadlineText);
  const log = new Log(true);
  try {
    if (command === 'undrain') {
      if (!config.uplinks.some((u) => u.device === device)) throw new UsageError(`undrain: ${device} is not an uplink of ${config.source}`);
      process.stdout.write(`${undrain(config, device, log)}\n`);
      return 0;
    }
    const refusal = drainRefusal(config, device, log);
    if (refusal) throw new UsageError(`drain: ${refusal}; nothing changed`);
    process.stdout.write(`${drain(config, device, deadline, log)}\n`);
    return 0;
  } finally {
    log.flush();
  }
}
