// `uplink-lb ha-notify GROUP|INSTANCE NAME STATE [PRIORITY]`: one transition of keepalived, as
// the FIFO reader (hooks/ha-notify.sh, keepalived's vrrp_notify_fifo_script) hands it over, in
// keepalived's order, one at a time (notify scripts run concurrently and can reorder conntrackd's
// steps: the FIFO cannot). A transition of HA_VRRP's group or instance is this router's new
// role: its steps run (pair/role-steps.ts), then the role is recorded for status (ha.json), the
// transition for status and the event hooks, and a line for syslog.
import type { Config } from '../config/types.js';
import { roleFrom, type Role } from '../pair/notify-line.js';
import { roleSteps, runSteps } from '../pair/role-steps.js';
import { ensureRunDir } from '../state/rundir.js';
import { writeHaRole } from '../state/ha-role.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { Log } from '../util/log.js';
import { UsageError } from '../util/errors.js';
import { loadConfiguration, type Env } from './context.js';

/** Acts on one transition. The role is recorded before the steps run (they may take seconds: an
 *  active-only uplink's DHCP) and again with what failed: the check reads it to decide whether a
 *  failed uplink's connections are this router's to release (pipeline/pair-release.ts), and a
 *  router that has handed over must not release the connections its peer now carries. */
export function takeRole(role: Role, config: Config, log: Log): void {
  const vrrp = config.ha?.vrrp ?? '';
  const since = Date.now();
  ensureRunDir();
  writeHaRole({ role, vrrp, since, failed: [] });
  const failed = runSteps(roleSteps(role, config));
  if (failed.length > 0) writeHaRole({ role, vrrp, since, failed });
  const event = `ha-${role.toLowerCase()}`;
  const cause = `keepalived: ${vrrp} ${role}`;
  recordTransitions([{ at: Date.now(), event, cause }]);
  if (failed.length === 0) log.info(`pair: this router is ${role} (${cause})`, { event });
  else log.error(`pair: this router is ${role} (${cause}), but ${failed.length} step(s) failed:\n${failed.join('\n')}`, { event });
  announce([{ at: Date.now(), event, cause }], config.eventHooksDir);
}

export function runHaNotify(args: readonly string[], configPath: string, env: Env): number {
  const [kind = '', name = '', state = ''] = args;
  if (kind !== 'GROUP' && kind !== 'INSTANCE') throw new UsageError(`ha-notify: "${kind}" is not GROUP or INSTANCE (keepalived's words: ha-notify GROUP|INSTANCE NAME STATE [PRIORITY])`);
  const log = new Log(process.stderr.isTTY === true);
  try {
    const loaded = loadConfiguration(env, configPath).config;
    if ('problem' in loaded) {
      log.error(`ha-notify: invalid configuration, keepalived's ${kind} ${name} ${state} not acted on:\n${loaded.problem}`);
      return 2;
    }
    const ha = loaded.value.ha;
    if (!ha || ha.vrrp !== name) {
      log.error(`ha-notify: keepalived told of ${kind.toLowerCase()} ${name}, but ${configPath} ${ha ? `follows ${ha.vrrp} (HA_VRRP)` : 'sets no HA_VRRP'}: not acted on`);
      return 2;
    }
    const role = roleFrom(`${kind} "${name}" ${state}`, ha.vrrp);
    if (role) takeRole(role, loaded.value, log);
    return 0;
  } finally {
    log.flush();
  }
}
