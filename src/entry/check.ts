// `uplink-lb check` (and the `cron-check` name cron runs every minute): probe in rounds until
// the next minute's cron start takes over. Exactly one run probes at a time: a start that
// finds another alive exits at once, quietly, unless that one is about to hand over.
import { checkRound, FRESH_MEMO, startingRecord, type Memo } from '../pipeline/check-round.js';
import type { HealthRecord } from '../state/health.js';
import type { Config } from '../config/types.js';
import { ensureRunDir } from '../state/rundir.js';
import { readCheckState, writeCheckState } from '../state/check-state.js';
import { tryAcquireLock, type Lock } from '../util/lock.js';
import { Log } from '../util/log.js';
import { CHECK_LOCK_FILE } from '../paths.js';
import { loadConfiguration, type Env } from './context.js';
import { sleep } from '../util/sleep.js';
import { watchLinks } from '../kernel/monitor.js';

/** A run lasts until the first minute boundary at least 30 s away: one cron start, one run. */
export function deadlineFor(now: number): number {
  return Math.ceil((now + 30_000) / 60_000) * 60_000;
}

const tryLock = (waitSeconds: number): Lock | undefined => tryAcquireLock(CHECK_LOCK_FILE, waitSeconds);

/** Takes the check lock: at once, or by waiting for a holder whose deadline is (nearly) here. */
function takeOver(config: Config, now: number): Lock | undefined {
  const free = tryLock(0);
  if (free) return free;
  const holder = readCheckState();
  const handover = (config.check.interval + config.check.timeout + 3) * 1000;
  if (!holder || holder.deadline - now > handover) return undefined;
  return tryLock(Math.ceil((holder.deadline - now + config.check.timeout * 1000 + 3000) / 1000));
}


export async function runCheck(configPath: string, once: boolean, env: Env): Promise<number> {
  const log = new Log(process.stderr.isTTY === true);
  const loaded = loadConfiguration(env, configPath).config;
  if ('problem' in loaded) {
    log.error(`check: invalid configuration, not probing:\n${loaded.problem}`);
    log.flush();
    if (!log.toStderrEnabled()) process.stderr.write(`uplink-lb check: invalid configuration:\n${loaded.problem}\n`);
    return 2;
  }
  let config = loaded.value;
  ensureRunDir();
  const started = Date.now();
  const lock = once ? tryLock(0) : takeOver(config, started);
  if (!lock) {
    if (once) process.stderr.write(`uplink-lb: a check is already running (pid ${readCheckState()?.pid ?? '?'}); see uplink-lb status\n`);
    return 0;
  }
  try {
    const deadline = once ? started : deadlineFor(started);
    writeCheckState({ pid: process.pid, started, deadline });
    let record: HealthRecord = startingRecord(log);
    let memo: Memo = FRESH_MEMO;
    let badConfigReported = false;
    // a link or address event on an uplink (carrier, address) starts the next round at once
    let wake: (() => void) | undefined;
    let woken = false;
    const watch = once
      ? undefined
      : watchLinks(config.uplinks.map((u) => u.device), () => {
          woken = true;
          wake?.();
        });
    try {
      for (;;) {
        const roundStart = Date.now();
        const reloaded = loadConfiguration(env, configPath).config;
        if ('value' in reloaded) {
          config = reloaded.value;
          badConfigReported = false;
        } else if (!badConfigReported) {
          log.error(`check: the configuration became invalid, probing with the last valid one:\n${reloaded.problem}`);
          badConfigReported = true;
        }
        woken = false;
        try {
          ({ record, memo } = await checkRound(config, log, record, memo));
        } catch (err) {
          log.error(`check round: ${(err as Error).message}`);
        }
        log.flush();
        const next = roundStart + config.check.interval * 1000;
        if (once || next >= deadline) break;
        if (!woken) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            void sleep(Math.max(0, next - Date.now())).then(resolve);
          });
        }
        wake = undefined;
      }
    } finally {
      watch?.stop();
    }
    return 0;
  } finally {
    lock.release();
  }
}
