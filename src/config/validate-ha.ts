// The keys of a high-availability pair (two routers, keepalived holding the LAN gateway,
// conntrackd sharing the connections): HA_VRRP names the keepalived sync group (or lone VRRP
// instance) whose state is this router's role (unset: not in a pair); HA_CONNTRACKD_CONF is
// conntrackd's configuration, for the state steps at each change of role (unset: no
// conntrackd); HA_TRACK_FILE is where the check writes the summed weight of its usable shared
// uplinks, for keepalived's track_file; IFACE_HA says of each uplink whether both routers have
// it (shared: a static line with an address for each router and one the active router holds)
// or only the active router brings it up (active-only: a DHCP or PPPoE line with one address).
import type { RawValues } from './collect.js';
import { isFilePath, printable } from './checkers.js';
import { bad, ok, type Result } from '../util/result.js';
import type { Validator } from './validator.js';
import { RUNDIR } from '../paths.js';

export type UplinkPairing = 'shared' | 'active-only';

export interface HaConfig {
  /** keepalived's sync group or instance whose MASTER, BACKUP and FAULT are this router's. */
  vrrp: string;
  /** conntrackd's configuration file, for `conntrackd -C FILE -R/-B/-n`. */
  conntrackdConf?: string;
  /** The file keepalived's track_file reads: the weight of the usable shared uplinks. */
  trackFile: string;
}

export const DEFAULT_TRACK_FILE = `${RUNDIR}/vrrp-track`;

/** keepalived's names of groups and instances, as its configuration writes them. */
const VRRP_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

function checkPairing(text: string): Result<UplinkPairing> {
  return text === 'shared' || text === 'active-only' ? ok(text) : bad(`${printable(text)} is not shared (both routers have the line) or active-only (only the active router brings it up)`);
}

export function validateHa(v: Validator, raw: RawValues, count: number): { ha?: HaConfig; pairing: (UplinkPairing | undefined)[] } {
  const pairing = v.column<UplinkPairing>(count, { key: 'IFACE_HA', check: checkPairing, fallback: () => 'shared' });
  const vrrp = raw.HA_VRRP?.values[0];
  const conntrackd = raw.HA_CONNTRACKD_CONF?.values[0];
  const track = raw.HA_TRACK_FILE?.values[0];
  if (vrrp === undefined || vrrp === '') {
    for (const key of ['IFACE_HA', 'HA_CONNTRACKD_CONF', 'HA_TRACK_FILE'] as const) {
      if (raw[key] !== undefined) v.report(key, `${key} is for a router of a pair: set HA_VRRP too (the keepalived sync group or instance whose state is this router's role)`);
    }
    return { pairing };
  }
  if (!VRRP_NAME.test(vrrp)) v.report('HA_VRRP', `HA_VRRP: ${printable(vrrp)} is not a keepalived group or instance name (letters, digits and _ . - only, as in keepalived.conf)`);
  for (const [key, value] of [['HA_CONNTRACKD_CONF', conntrackd], ['HA_TRACK_FILE', track]] as const) {
    if (value !== undefined && value !== '' && !isFilePath(value)) v.report(key, `${key}: ${printable(value)} is not the absolute path of a file (letters, digits and _ . / + @ % = - only)`);
  }
  const ha: HaConfig = { vrrp, trackFile: track || DEFAULT_TRACK_FILE };
  if (conntrackd) ha.conntrackdConf = conntrackd;
  return { ha, pairing };
}
