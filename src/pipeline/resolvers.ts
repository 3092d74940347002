// The router's resolver file, kept to the usable uplinks' resolvers in the run that changes the
// route (plan/resolv-conf.ts decides; state/resolv-conf.ts reads and writes), or, where Debian's
// resolvconf keeps it, uplink-lb's record there (plan/resolvconf-records.ts). The file as it
// was before uplink-lb first wrote it is kept, and the uplinks' records taken out of resolvconf
// too; both are put back when the file is no longer managed (RESOLV_CONF=no or another path)
// and by `uplink-lb release-resolvers` (uninstall). A change of the resolvers in force is an
// event (`resolvers`).
import type { Config } from '../config/types.js';
import type { Desired } from '../plan/desired.js';
import { isManaged, planResolvConf, type ResolvPlan } from '../plan/resolv-conf.js';
import type { ResolverEntry } from '../plan/resolver-list.js';
import { backupPath, dropOriginal, shelveOriginal, keepOriginal, keptOriginals, readConfiguredFile, readResolvFile, readResolversRecord, removeResolversRecord, writeResolversRecord, type ResolversRecord } from '../state/resolv-conf.js';
import { replaceInPlace } from '../state/in-place.js';
import { recordTransitions } from '../state/transitions.js';
import { announce } from '../events/announce.js';
import { addRecord, deleteRecord, dropAside, haveResolvconf, keepAside, liveRecords, recordsAside } from '../state/resolvconf.js';
import { OUR_RECORD } from '../plan/resolvconf-records.js';
import type { Log } from '../util/log.js';

/** "192.0.2.51 (eth1), 192.0.2.52 (eth2)". */
export function describeResolvers(list: readonly { address: string; devices: readonly string[] }[]): string {
  return list.map((e) => `${e.address} (${e.devices.join(', ')})`).join(', ');
}

/** What would be done with the resolver file now (status, `apply --dry-run`). Reads only. */
export function resolvPlan(config: Config, want: Pick<Desired, 'announced' | 'resolvers'>): ResolvPlan {
  const conf = config.resolvConf;
  return planResolvConf(config, want.announced, want.resolvers, readConfiguredFile(conf), conf.manage === 'no' ? '' : backupPath(conf.path));
}

/** Puts `original` back at `path` when the file there is still uplink-lb's, and forgets it. */
function putBack(path: string, original: string, log: Log): void {
  const file = readResolvFile(path);
  if (file.kind === 'file' && isManaged(file.text)) {
    replaceInPlace(path, original, file.mtimeSeconds);
    log.info(`${path}: no longer managed; the file it was before uplink-lb is back`);
    dropOriginal(path);
  } else {
    // someone replaced it since: theirs stays, and the original is kept where a person finds it
    log.warn(`${path}: no longer managed, and not uplink-lb's any more (someone replaced it): left as it is; the file it was before uplink-lb is in ${shelveOriginal(path)}`);
  }
}

/** The uplinks' records taken out of resolvconf put back (where resolvconf is still there and
 *  has none of that name now), and uplink-lb's own record taken out. */
function releaseResolvconf(log: Log): number {
  const aside = recordsAside();
  const there = haveResolvconf();
  const live = there ? liveRecords() : new Map<string, string>();
  if (aside.size === 0 && !live.has(OUR_RECORD)) return 0;
  for (const [name, text] of aside) {
    if (there && !live.has(name)) addRecord(name, text);
    dropAside(name);
  }
  if (live.has(OUR_RECORD)) deleteRecord(OUR_RECORD);
  log.info(`resolvconf: no longer managed; the uplinks' records are back${aside.size > 0 ? ` (${[...aside.keys()].join(', ')})` : ''}`);
  return 1;
}

/** Every file uplink-lb kept the original of, put back. */
export function releaseResolvers(log: Log, except?: string): number {
  let count = 0;
  for (const [path, original] of keptOriginals()) {
    if (path === except) continue;
    putBack(path, original, log);
    count++;
  }
  return count;
}

/** Every kept original put back, and resolvconf's records; how many. */
export function releaseAllResolvers(log: Log): number {
  const count = releaseResolvers(log) + releaseResolvconf(log);
  removeResolversRecord();
  return count;
}

const same = (record: ResolversRecord | undefined, path: string, list: readonly ResolverEntry[]): boolean =>
  record !== undefined && record.path === path && JSON.stringify(record.resolvers) === JSON.stringify(list.map((e) => ({ address: e.address, devices: e.devices })));

/** Makes the resolver file what `want` says, after the kernel took the route. */
export function syncResolvers(config: Config, want: Pick<Desired, 'announced' | 'resolvers'>, log: Log): void {
  const managed = config.resolvConf.manage === 'no' ? undefined : config.resolvConf.path;
  releaseResolvers(log, managed);
  const file = readConfiguredFile(config.resolvConf);
  if (file.kind !== 'resolvconf') releaseResolvconf(log);
  if (managed === undefined) return;
  const plan = planResolvConf(config, want.announced, want.resolvers, file, backupPath(managed));
  if (plan.action === 'leave') return;
  const record = readResolversRecord((text) => log.warn(text));
  let mtime = record?.path === plan.path ? record.mtime : 0;
  if (plan.action === 'resolvconf' && file.kind === 'resolvconf') {
    // uplink-lb's record first: resolvconf's file is never without the uplinks' resolvers
    if (file.records.get(OUR_RECORD) !== plan.record) addRecord(OUR_RECORD, plan.record);
    for (const name of plan.takeOut) {
      keepAside(name, file.records.get(name) ?? '');
      deleteRecord(name);
    }
    if (plan.takeOut.length > 0) log.info(`resolvconf: took the uplinks' own records out (${plan.takeOut.join(', ')}); uplink-lb's record ${OUR_RECORD} lists their resolvers`);
  } else if (plan.action === 'write') {
    if (file.kind === 'file' && !isManaged(file.text)) keepOriginal(managed, file.text);
    mtime = replaceInPlace(managed, plan.text, Math.max(file.kind === 'file' ? file.mtimeSeconds : 0, mtime));
  }
  const changed = plan.action === 'write' || (plan.action === 'resolvconf' && !plan.current);
  if (changed || !same(record, plan.path, plan.list)) {
    if (!same(record, plan.path, plan.list)) {
      const cause = `${plan.path}: ${describeResolvers(plan.list)}`;
      log.info(`resolvers now ${cause}`);
      const event = { at: Date.now(), event: 'resolvers', cause };
      recordTransitions([event]);
      announce([event], config.eventHooksDir);
    }
    writeResolversRecord({ path: plan.path, resolvers: plan.list.map((e) => ({ address: e.address, devices: e.devices })), mtime });
  }
}
