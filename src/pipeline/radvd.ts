// The LAN's prefixes in radvd's configuration (RADVD_CONF), kept in the run that changes the
// route, after the kernel took it: each LAN's region lists its /64s, deprecated while their
// uplink is out (plan/radvd-conf.ts), checked by radvd before the file is written, then radvd
// reloaded. A file radvd would refuse is left as it is. RADVD_CONF set to no (or another file)
// takes the regions out again, as `uplink-lb release-resolvers` does at uninstall.
import type { Config } from '../config/types.js';
import type { Desired } from '../plan/desired.js';
import { renderRadvdConf, stripRadvdConf } from '../plan/radvd-conf.js';
import { radvdRefuses, readRadvdRecord, reloadRadvd, removeRadvdRecord, writeRadvdRecord } from '../state/radvd.js';
import { replaceInPlace } from '../state/in-place.js';
import { sayOnce } from '../state/said-once.js';
import type { Log } from '../util/log.js';
import { readFileSync } from 'node:fs';

function readText(path: string): string | { problem: string } {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    return { problem: (err as Error).message };
  }
}

/** Writes `text` to `path` if radvd takes it, and reloads radvd; says why not otherwise. */
function put(path: string, text: string, what: string, log: Log): boolean {
  const refused = radvdRefuses(text);
  if (refused !== undefined) {
    log.error(`radvd: ${path} with ${what} fails radvd --configtest (${refused}): left as it is`);
    return false;
  }
  replaceInPlace(path, text, 0);
  const reloaded = reloadRadvd();
  log.info(`radvd: ${path}: ${what}${reloaded ? '; radvd reloaded' : '; radvd is not running (it reads them when it starts)'}`);
  return true;
}

/** Takes uplink-lb's regions out of the file it last wrote them into, if any (uninstall). */
export function releaseRadvdNow(log: Log): number {
  const path = readRadvdRecord((text) => log.warn(text));
  return path === undefined ? 0 : releaseRadvd(path, log);
}

/** Takes uplink-lb's regions out of `path` (a former RADVD_CONF, or at uninstall). */
export function releaseRadvd(path: string, log: Log): number {
  const current = readText(path);
  if (typeof current !== 'string') {
    removeRadvdRecord();
    return 0;
  }
  const stripped = stripRadvdConf(current);
  if (stripped !== current && !put(path, stripped, "uplink-lb's prefixes taken out", log)) return 0;
  removeRadvdRecord();
  return 1;
}

/** What radvd's file should say now, and what keeps it from saying it (status, dry-run). */
export function radvdPlan(config: Config, want: Pick<Desired, 'target'>): { path: string; current: boolean; problems: string[] } | undefined {
  if (!config.radvdConf) return undefined;
  const current = readText(config.radvdConf);
  if (typeof current !== 'string') return { path: config.radvdConf, current: false, problems: [`${config.radvdConf}: ${current.problem}`] };
  const plan = renderRadvdConf(current, config.lans6, want.target.inet6?.addresses ?? [], config.radvdConf);
  return { path: config.radvdConf, current: plan.text === current, problems: plan.problems };
}

export function syncRadvd(config: Config, want: Pick<Desired, 'target'>, log: Log): void {
  const former = readRadvdRecord((text) => log.warn(text));
  if (former !== undefined && former !== config.radvdConf) releaseRadvd(former, log);
  const path = config.radvdConf;
  if (!path) return;
  const current = readText(path);
  if (typeof current !== 'string') {
    sayOnce('radvd-unreadable', `radvd: ${path}: ${current.problem}: the LAN's prefixes are not announced through it`, log);
    return;
  }
  const addresses = want.target.inet6?.addresses ?? [];
  const plan = renderRadvdConf(current, config.lans6, addresses, path);
  for (const problem of plan.problems) sayOnce(`radvd-${Buffer.from(problem).toString('hex').slice(0, 40)}`, `radvd: ${problem}`, log);
  if (plan.text !== current) {
    const deprecated = addresses.filter((a) => !a.preferred).length;
    if (!put(path, plan.text, `lists ${addresses.length} LAN prefix${addresses.length === 1 ? '' : 'es'}${deprecated > 0 ? ` (${deprecated} deprecated)` : ''}`, log)) return;
  }
  if (former !== path) writeRadvdRecord(path);
}
