// Called from pppd's ip-up.d and ip-down.d hook (hooks/ppp-hook.sh) with PPP_IFACE and the rest
// of what Debian's /etc/ppp/ip-up and ip-down export. A point-to-point link needs no lease: its
// address and peer are on the device, read like any other. `up` reconciles (the link may have
// come back with a new address: the rules follow it); `down` takes the uplink out in this run,
// while pppd still holds the device.
import { reconcile } from '../pipeline/reconcile.js';
import { Log } from '../util/log.js';
import type { Env } from './context.js';
import { managedDevice } from './managed-device.js';

/** PHASE is `up` or `down` (the command line checked it). */
export function runPppHook(phase: string | undefined, env: Env): number {
  const log = new Log(false);
  try {
    const managed = managedDevice(env.PPP_IFACE, env, log, 'pppd');
    if (!managed) return 0;
    if (phase === 'up') reconcile(managed.config, log);
    else reconcile(managed.config, log, { device: managed.device, mode: 'stop' });
    return 0;
  } catch (err) {
    log.error(`pppd ${env.PPP_IFACE ?? ''} ${phase}: ${(err as Error).message}`);
    return 1;
  } finally {
    log.flush();
  }
}
