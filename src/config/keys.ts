// Every key the configuration understands, its shape and its default.

export type KeyShape = 'array' | 'string' | 'number';

export const KEYS = {
  IFACE_DEVICE: 'array',
  IFACE_TABLES: 'array',
  IFACE_TABLES_PRIO: 'array',
  IFACE_IPS: 'array',
  IFACE_NMS: 'array',
  IFACE_GWS: 'array',
  IFACE_WEI: 'array',
  IFACE_TIER: 'array',
  IFACE_FAILBACK_RELEASE: 'array',
  IFACE_MARK: 'array',
  IFACE_GW6S: 'array',
  IFACE_RESOLVERS: 'array',
  ROUTE_OPTIONS: 'string',
  DEFAULT_ROUTE_METRIC: 'number',
  CHECK_TARGETS: 'array',
  IFACE_CHECK_TARGETS: 'array',
  CHECK_METHOD: 'string',
  IFACE_CHECK_METHOD: 'array',
  CHECK_RELIABILITY: 'number',
  CHECK_INTERVAL: 'number',
  CHECK_TIMEOUT: 'number',
  CHECK_FAIL_WINDOW: 'number',
  CHECK_RECOVER_WINDOW: 'number',
  CHECK_QUALITY_WINDOW: 'number',
  CHECK_LOSS_FAIL: 'number',
  CHECK_LOSS_RECOVER: 'number',
  CHECK_LATENCY_FAIL: 'number',
  CHECK_LATENCY_RECOVER: 'number',
  CHECK_DEGRADED: 'string',
  CHECK_COUNT: 'number',
  CHECK_DOWN: 'number',
  CHECK_UP: 'number',
  CHECK_FLAP_HOLD: 'number',
  CHECK_FLAP_HOLD_MAX: 'number',
  CHECK_RUN_MINUTES: 'number',
  CHECK_ACTION: 'string',
  CONNECTION_PINNING: 'string',
  PIN: 'array',
  POLICY: 'array',
  HASH_POLICY: 'string',
  NEXTHOP_OBJECTS: 'string',
  IPV6_MODE: 'string',
  IPV6_LAN: 'array',
  IPV6_LAN_PREFIX: 'string',
  RADVD_CONF: 'string',
  RESOLV_CONF: 'string',
  METRICS_DIR: 'string',
  EVENT_TIMEOUT: 'number',
  EVENT_HOOKS_DIR: 'string',
  HA_VRRP: 'string',
  HA_CONNTRACKD_CONF: 'string',
  HA_TRACK_FILE: 'string',
  IFACE_HA: 'array',
} as const satisfies Record<string, KeyShape>;

export type KeyName = keyof typeof KEYS;

export function isKeyName(name: string): name is KeyName {
  return Object.hasOwn(KEYS, name);
}

export const MAX_UPLINKS = 64;
/** Uplink i (0-based) defaults: table uplink<i+1> = 201+i, rule priority 1001+i, mark 0x97+i. */
export const DEFAULT_TABLE_BASE = 201;
export const DEFAULT_PRIORITY_BASE = 1001;
export const DEFAULT_MARK_BASE = 0x97;
export const DEFAULT_METRIC = 10;
/** Seconds an event hook may run. */
export const DEFAULT_EVENT_TIMEOUT = 10;
/** The kernel's rule for the main table; uplink rules must come before it. */
export const MAIN_RULE_PRIORITY = 32766;
/** The lowest uplink priority: the mark rules go one below the lowest, the rule that keeps
 *  connected networks in the main table one below them, and priority 0 is the local table's. */
export const MIN_UPLINK_PRIORITY = 3;

export function defaultTableName(index: number): string {
  return `uplink${index + 1}`;
}
