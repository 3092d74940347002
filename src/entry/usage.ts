// What the command line accepts, declared once: the help text, the commands and every option
// with the commands it applies to. The parser (cli.ts), the manual page and the bash
// completion are checked against these (test/unit/docs).
import { DEFAULT_CONFIG } from '../paths.js';

export const HELP = `usage: uplink-lb [--config PATH] COMMAND [OPTIONS]

Weighted load balancing and failover over several ISP uplinks with Linux policy routing.

Commands:
  apply [--dry-run | --confirm SECONDS]
                      make the kernel's rules and routes match the configuration now;
                      --dry-run prints what it would run (ip -batch and nft -f input, as a
                      shell script) instead of running it;
                      --confirm: unless \`uplink-lb confirm\` follows within SECONDS (10-3600),
                      put the configuration in force before back into the file and apply it
                      (the unconfirmed file is kept as FILE.unconfirmed)
  confirm             keep what \`apply --confirm\` applied
  rollback [--wait]   undo a pending \`apply --confirm\` now (--wait: at its deadline, unless
                      confirmed first; \`apply --confirm\` starts this)
  status [--json]     a verdict (balancing over N of M uplinks, or not balancing and why),
                      each uplink (up, down, unconfigured, draining, recovering), the last
                      changes, and whether the kernel matches the configuration, naming
                      every difference; exit 1 when it differs, 3 when not balancing
  validate [--print] [--peer FILE]
                      check the configuration and change nothing; exit 2 when it is invalid;
                      --print writes it out with every key and default as uplink-lb reads it;
                      --peer compares it with a copy of the other router's of a pair: every
                      uplink with the same mark, table and priority, or exit 2 naming each
                      difference
  check [--once]      probe every uplink through itself continuously (every CHECK_INTERVAL)
                      until the next minute's cron start takes over, draining failed uplinks
                      from the default route, lowering degraded ones, restoring them; --once
                      probes for one failure window, and on while an uplink recovers
  drain IFACE [--deadline SECONDS]
                      maintenance: new connections avoid IFACE from now on; connections
                      pinned to it are kept until they end, or released after SECONDS; the
                      health check and ifup leave it drained until \`uplink-lb undrain\`
  undrain IFACE       end the maintenance: IFACE carries new connections again once healthy
  dhclient-enter      used by the dhclient enter hook (records the lease)
  dhclient-exit       used by the dhclient exit hook (reconciles after a renewal)
  dhcpcd-hook         used by the dhcpcd hook (records the lease, reconciles)
  ifupdown-hook       used by the if-up.d/if-down.d hook (reads IFACE and MODE)
  ppp-hook up|down    used by pppd's ip-up.d/ip-down.d hook (reads PPP_IFACE)
  ha-notify GROUP|INSTANCE NAME STATE
                      a router of a pair (HA_VRRP): one transition of keepalived, as its FIFO
                      reader lib/uplink-lb/ha-notify (vrrp_notify_fifo_script) hands it
                      over: conntrackd's state steps and the active-only uplinks
  dispatch-events     started by uplink-lb to run the event hooks in /etc/uplink-lb/events.d
  release-resolvers   put the resolver files uplink-lb manages (RESOLV_CONF) back as they were
                      before it first wrote them, and take its prefixes out of radvd's
                      configuration (RADVD_CONF); uninstall runs it

Options:
  --config PATH       configuration file (default ${DEFAULT_CONFIG}, or $UPLINK_LB_CONFIG)
  -h, --help          this help
  -V, --version       print the version

The ifupdown hook /etc/network/if-up.d/uplink-load-balancing (and if-down.d) is a shell
script that runs \`uplink-lb ifupdown-hook\`, and lets ifup go on if uplink-lb cannot run.
Manual: uplink-lb(8), uplink-lb.conf(5).
`;

export const COMMANDS = ['apply', 'confirm', 'rollback', 'status', 'validate', 'check', 'drain', 'undrain', 'dhclient-enter', 'dhclient-exit', 'dhcpcd-hook', 'ifupdown-hook', 'ppp-hook', 'ha-notify', 'dispatch-events', 'release-resolvers'] as const;
export type Command = (typeof COMMANDS)[number];

/** Every command's options, declared once: the parser, the "does not apply" check and the
 *  unknown-option check all read this. */
export const OPTIONS: Record<string, { kind: 'boolean' | 'string'; commands: readonly Command[] }> = {
  'dry-run': { kind: 'boolean', commands: ['apply'] },
  confirm: { kind: 'string', commands: ['apply'] },
  wait: { kind: 'boolean', commands: ['rollback'] },
  json: { kind: 'boolean', commands: ['status'] },
  print: { kind: 'boolean', commands: ['validate'] },
  peer: { kind: 'string', commands: ['validate'] },
  once: { kind: 'boolean', commands: ['check'] },
  deadline: { kind: 'string', commands: ['drain'] },
};

/** The commands that take one argument: the uplink's interface. */
export const TAKES_INTERFACE: readonly Command[] = ['drain', 'undrain'];
export const GLOBAL = { string: ['config'], boolean: ['help', 'version'], alias: { h: 'help', V: 'version' } };

