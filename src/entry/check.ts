// `uplink-lb check` (and the `cron-check` name cron runs every minute): probe continuously
// until the next minute's cron start takes over. Exactly one run probes at a time: a start
// that finds another alive exits at once, quietly, unless that one is about to hand over.
import { checkRound, FRESH_MEMO, startingRecord, writeLastJudgement, type Memo } from '../pipeline/check-round.js';
import type { HealthRecord } from '../state/health.js';
import { Probers } from '../health/probers.js';
import type { Config } from '../config/types.js';
import { ensureRunDir } from '../state/rundir.js';
import { readCheckState, writeCheckState } from '../state/check-state.js';
import { tryAcquireLock, type Lock } from '../util/lock.js';
import { Log } from '../util/log.js';
import { CHECK_LOCK_FILE } from '../paths.js';
import { loadConfiguration, type Env } from './context.js';
import { sleep } from '../util/sleep.js';
import { needOf, watchLinks, type EventNeed } from '../kernel/monitor.js';
import { statSync } from 'node:fs';
import { clockOffset, monotonicMs } from '../util/clock.js';

/** A run lasts until the first minute boundary at least `minutes` less half a minute away,
 *  where the cron start of that minute takes over. Cron's starts in between exit without
 *  starting the executable (hooks/cron-start.sh), so a run costs one start of it. The boundary
 *  is cron's, on the wall clock (ms since the epoch); the run itself measures its length on the
 *  monotonic clock, and moves this deadline with the wall clock when that is set. */
export function deadlineFor(now: number, minutes: number): number {
  return Math.ceil((now + (minutes * 60 - 30) * 1000) / 60_000) * 60_000;
}

/** The configuration file and the executable are looked at (stat) this often: an edit takes
 *  effect within it. Not at every judgement: those come a few times a second. */
const FILES_LOOKED_AT_EVERY_MS = 2_000;

/** When the executable was replaced (an upgrade, `make install`), a run hands over at the next
 *  minute boundary at least this far away, so the new one probes within a minute. */
const REPLACED_HANDOVER_MS = 10_000;

/** What changes when a file is replaced or edited: its inode, size and time. */
function fileStamp(path: string): string {
  try {
    const st = statSync(path);
    return `${st.ino}:${st.size}:${st.mtimeMs}`;
  } catch {
    return 'missing';
  }
}

/** `check --once` probes for the longest failure window and a little more, to be judged; while
 *  a target has not been probed for a whole window yet (its pings started late on a loaded
 *  machine), or an uplink is recovering (and not held out), it goes on, up to the recovery
 *  window more, so that one run judges every uplink and can bring a repaired one back. The
 *  first figure is the run's end, the second its limit. */
export function onceLasts(config: Config): { end: number; limit: number } {
  const fail = Math.max(0, ...config.uplinks.map((u) => u.failWindow)) * 1000 + 500;
  return { end: fail, limit: fail + config.check.recoverWindow * 1000 + 1000 };
}

/** An uplink is recovering and could come back now (not held out by flap damping); `now` on the
 *  monotonic clock, as the record's times. */
const recovering = (record: HealthRecord, now: number): boolean => Object.values(record.uplinks).some((h) => h.state === 'recovering' && (h.holdUntil ?? 0) <= now);

const tryLock = (waitSeconds: number): Lock | undefined => tryAcquireLock(CHECK_LOCK_FILE, waitSeconds);

/** Takes the check lock: at once, or by waiting for a holder whose deadline is (nearly) here
 *  (`now` and the deadline on the wall clock, as cron's). */
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
  let startedWall = Date.now();
  const started = monotonicMs();
  const lock = once ? tryLock(0) : takeOver(config, startedWall);
  if (!lock) {
    if (once) process.stderr.write(`uplink-lb: a check is already running (pid ${readCheckState()?.pid ?? '?'}); see uplink-lb status\n`);
    return 0;
  }
  try {
    let record: HealthRecord = startingRecord(log);
    const onceSpan = onceLasts(config);
    /** The hand-over deadline, on the wall clock (check.json: cron-start and the next run read
     *  it), and the run's end on the monotonic clock: the same moment while nobody sets the clock. */
    let deadline = once ? startedWall + onceSpan.limit : deadlineFor(startedWall, config.check.runMinutes);
    let end = started + (deadline - startedWall);
    let offset = clockOffset();
    /** The last judgement left a target unjudged (still in its first window). */
    let pending = true;
    /** The moment a run ends: its end, or for --once its first end unless a target is unjudged
     *  or an uplink recovering (monotonic). */
    const over = (now: number): boolean => now >= end || (once && now >= started + onceSpan.end && !pending && !recovering(record, now));
    writeCheckState({ pid: process.pid, started: startedWall, deadline });
    let memo: Memo = FRESH_MEMO;
    let badConfigReported = false;
    let stamp = fileStamp(configPath);
    // the executable this run is (cron starts it as LIBDIR/cron-check, a hard link)
    const executable = process.execPath;
    const built = fileStamp(executable);
    // a link, address or route event on an uplink (carrier, address) is looked at at once
    let refresh: EventNeed | undefined;
    let wake: (() => void) | undefined;
    const watch = watchLinks(config.uplinks.map((u) => u.device), (_about, line) => {
      if (refresh !== 'verify') refresh = needOf(line);
      wake?.();
    });
    const probers = new Probers(end);
    // stopped (systemd, a shutdown, the administrator): the pings and the monitor go too
    let stopped = false;
    const stop = (): void => {
      stopped = true;
      wake?.();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    let filesLookedAt = started;
    try {
      for (;;) {
        // the wall clock was set (NTP's first step, an administrator): nothing of the judgement
        // moves (monotonic); the hand-over deadline moves with the clock, so that cron-start
        // and the next run still see this run's true end
        const moved = clockOffset() - offset;
        if (Math.abs(moved) >= 1000) {
          offset += moved;
          deadline += moved;
          startedWall += moved;
          writeCheckState({ pid: process.pid, started: startedWall, deadline });
          log.info(`check: the wall clock was set ${moved > 0 ? 'forward' : 'back'} by ${(Math.abs(moved) / 1000).toFixed(1)} s; probing goes on, this run hands over at ${new Date(deadline).toISOString()}`);
        }
        // an edited file takes effect within FILES_LOOKED_AT_EVERY_MS, or at once when an event
        // woke the check (an `apply` with the edited file changes the kernel: verifying that
        // against the former file would put back what it took away); an unchanged one is not
        // parsed again
        const looking = refresh !== undefined || monotonicMs() - filesLookedAt >= FILES_LOOKED_AT_EVERY_MS;
        if (looking) filesLookedAt = monotonicMs();
        const edited = looking ? fileStamp(configPath) : stamp;
        if (edited !== stamp) {
          stamp = edited;
          const reloaded = loadConfiguration(env, configPath).config;
          if ('value' in reloaded) {
            config = reloaded.value;
            badConfigReported = false;
          } else if (!badConfigReported) {
            log.error(`check: the configuration became invalid, probing with the last valid one:\n${reloaded.problem}`);
            badConfigReported = true;
          }
        }
        // replaced by a new version: the cron start of the next minute brings it in
        if (looking && !once && fileStamp(executable) !== built) {
          const handover = Math.ceil((Date.now() + REPLACED_HANDOVER_MS) / 60_000) * 60_000;
          if (handover < deadline) {
            end -= deadline - handover;
            deadline = handover;
            writeCheckState({ pid: process.pid, started: startedWall, deadline });
            log.info(`check: ${executable} was replaced; this run hands over to the new one at ${new Date(deadline).toISOString()}`);
          }
        }
        const woken = refresh;
        refresh = undefined;
        // judged again when something could have changed: a failure window ending, a link
        // event, the record every 2 s (a judgement that threw is tried again after a second)
        let due = monotonicMs() + 1000;
        try {
          ({ record, memo, due, undecided: pending } = checkRound(config, log, record, memo, probers, woken));
        } catch (err) {
          log.error(`check round: ${(err as Error).message}`);
        }
        log.flush();
        if (stopped || over(monotonicMs())) break;
        if (refresh === undefined) {
          await new Promise<void>((resolve) => {
            wake = resolve;
            // a few ms late, so that a window that ends at `due` has ended
            const now = monotonicMs();
            const until = once && now < started + onceSpan.end ? started + onceSpan.end : end;
            void sleep(Math.max(5, Math.min(due, until) - now + 5)).then(resolve);
          });
        }
        wake = undefined;
        if (stopped) break;
      }
    } finally {
      probers.stopAll();
      watch.stop();
    }
    writeLastJudgement(config, record, memo, log);
    return 0;
  } finally {
    lock.release();
  }
}
