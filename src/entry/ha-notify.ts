// `uplink-lb ha-notify FIFO`: keepalived's vrrp_notify_fifo_script. keepalived starts it once
// with the FIFO's path as its last argument and writes every transition there, in order (notify
// scripts run concurrently and can reorder conntrackd's steps: the FIFO cannot). A line about
// HA_VRRP's group or instance is this router's new role: its steps run (pair/role-steps.ts),
// then the role is recorded for status (ha.json), the transition for status and the event
// hooks, and a line for syslog. The configuration is read at each transition (an edit takes
// effect at the next); the run ends when keepalived closes the FIFO.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Config } from '../config/types.js';
import { roleFrom, type Role } from '../pair/notify-line.js';
import { roleSteps, runSteps } from '../pair/role-steps.js';
import { ensureRunDir } from '../state/rundir.js';
import { writeHaRole } from '../state/ha-role.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { Log } from '../util/log.js';
import { loadConfiguration, type Env } from './context.js';

/** Acts on one transition; the role it gave. */
export function takeRole(role: Role, config: Config, log: Log): void {
  const vrrp = config.ha?.vrrp ?? '';
  const failed = runSteps(roleSteps(role, config));
  ensureRunDir();
  writeHaRole({ role, vrrp, since: Date.now(), failed });
  const event = `ha-${role.toLowerCase()}`;
  const cause = `keepalived: ${vrrp} ${role}`;
  recordTransitions([{ at: Date.now(), event, cause }]);
  if (failed.length === 0) log.info(`pair: this router is ${role} (${cause})`, { event });
  else log.error(`pair: this router is ${role} (${cause}), but ${failed.length} step(s) failed:\n${failed.join('\n')}`, { event });
  announce([{ at: Date.now(), event, cause }], config.eventHooksDir);
}

export async function runHaNotify(fifo: string, configPath: string, env: Env): Promise<number> {
  const log = new Log(process.stderr.isTTY === true);
  const lines = createInterface({ input: createReadStream(fifo), crlfDelay: Infinity });
  for await (const line of lines) {
    const loaded = loadConfiguration(env, configPath).config;
    if ('problem' in loaded) {
      log.error(`ha-notify: invalid configuration, keepalived's "${line}" not acted on:\n${loaded.problem}`);
    } else if (!loaded.value.ha) {
      log.error(`ha-notify: ${configPath} sets no HA_VRRP, keepalived's "${line}" not acted on`);
    } else {
      const role = roleFrom(line, loaded.value.ha.vrrp);
      if (role) takeRole(role, loaded.value, log);
    }
    log.flush();
  }
  return 0;
}
