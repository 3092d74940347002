// Install-time locations, fixed by the build (scripts/build.mjs defines them).
declare const __SYSCONFDIR__: string | undefined;
declare const __RUNDIR__: string | undefined;
declare const __STATEDIR__: string | undefined;
declare const __VERSION__: string | undefined;

export const SYSCONFDIR = typeof __SYSCONFDIR__ === 'string' ? __SYSCONFDIR__ : '/etc';
export const RUNDIR = typeof __RUNDIR__ === 'string' ? __RUNDIR__ : '/run/uplink-lb';
/** What must outlive a reboot (the resolv.conf as it was before uplink-lb managed it). */
export const STATEDIR = typeof __STATEDIR__ === 'string' ? __STATEDIR__ : '/var/lib/uplink-lb';
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const DEFAULT_CONFIG = `${SYSCONFDIR}/default/uplink-lb`;
export const IPROUTE2_DIR = `${SYSCONFDIR}/iproute2`;
export const LOCK_FILE = `${RUNDIR}/lock`;
export const IP = '/usr/sbin/ip';
export const FLOCK = '/usr/bin/flock';
export const LOGGER = '/usr/bin/logger';
/** journald's native socket: present where journald runs. */
export const JOURNAL_SOCKET = '/run/systemd/journal/socket';
export const PING = '/usr/bin/ping';
/** util-linux (essential): starts a ping that dies with the check, however the check ends. */
export const SETPRIV = '/usr/bin/setpriv';
export const NFT = '/usr/sbin/nft';
export const CONNTRACK = '/usr/sbin/conntrack';
/** conntrack-tools' daemon, for a pair's state steps; ifupdown's (and ifupdown2's) programs,
 *  for a pair's active-only uplinks. */
export const CONNTRACKD = '/usr/sbin/conntrackd';
export const IFUP = '/sbin/ifup';
export const IFDOWN = '/sbin/ifdown';
/** Debian's resolvconf: the program, and where it keeps its records and builds its file. */
export const RESOLVCONF = '/sbin/resolvconf';
export const RESOLVCONF_RUN = '/run/resolvconf';
/** Where radvd (Debian's service and its own default) keeps its pid: reloaded by SIGHUP. */
export const RADVD_PID = '/run/radvd.pid';
export const RADVD = '/usr/sbin/radvd';
/** openresolv's configuration (its resolv_conf: the file it writes). */
export const OPENRESOLV_CONF = '/etc/resolvconf.conf';
export const CHECK_LOCK_FILE = `${RUNDIR}/check.lock`;
