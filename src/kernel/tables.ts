// The routing tables and nftables table names the kernel side knows: one home for the numbers
// the kernel reserves (the configuration refuses them for an uplink; planning writes main's
// default route and leaves local alone) and for the name of uplink-lb's nftables table.

const UNSPEC_TABLE = 0;
const DEFAULT_TABLE = 253;
export const MAIN_TABLE = 254;
export const LOCAL_TABLE = 255;

/** rt_tables' names for the reserved tables. */
export const RESERVED_TABLES: ReadonlyMap<string, number> = new Map([
  ['unspec', UNSPEC_TABLE],
  ['default', DEFAULT_TABLE],
  ['main', MAIN_TABLE],
  ['local', LOCAL_TABLE],
]);

/** uplink-lb's own nftables table: `inet uplink_lb`. */
export const NFT_FAMILY = 'inet';
export const NFT_TABLE = 'uplink_lb';
/** The first rule's comment carries the ruleset's fingerprint after this prefix. */
export const FINGERPRINT_PREFIX = 'uplink-lb ';
