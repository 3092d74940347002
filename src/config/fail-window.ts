// How long an uplink may go unanswered before it fails, and what that costs in false alarms.
// Pure arithmetic, used for the default and printed in the README.

/** Probes that must all go unanswered, summed over the targets that must fall silent, before
 *  an uplink fails by default: at 20% random loss, 8 in a row after an answer happen less than
 *  once a day at 4 probes a second (0.2^8 x 0.8 x 345600 = 0.71). */
export const SILENT_PROBES = 8;
/** Never fewer probes per target than this in a window (a short burst of loss is common). */
const MIN_PROBES_PER_TARGET = 3;

/** How many of an uplink's targets must fall silent for it to fail: all but reliability - 1. */
export function silentTargetsToFail(targets: number, reliability: number): number {
  return Math.max(1, Math.max(targets, 1) - reliability + 1);
}

/** The default failure window in seconds: SILENT_PROBES unanswered probes shared over the
 *  targets that must fall silent, at least 3 per target. */
export function defaultFailWindow(targets: number, reliability: number, interval: number): number {
  const perTarget = Math.max(MIN_PROBES_PER_TARGET, Math.ceil(SILENT_PROBES / silentTargetsToFail(targets, reliability)));
  return Math.round(perTarget * interval * 1000) / 1000;
}

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/** Expected false failures per day of an uplink whose probes are lost at random with
 *  probability `loss`: every probe starts a window, and the window fails when enough targets
 *  lost all of theirs (each target's window holds window / interval probes). */
export function falseFailuresPerDay(loss: number, interval: number, window: number, targets: number, reliability: number): number {
  const k = Math.max(targets, 1);
  const silent = loss ** Math.floor(window / interval + 1e-9);
  let pFail = 0;
  for (let j = silentTargetsToFail(targets, reliability); j <= k; j++) pFail += choose(k, j) * silent ** j * (1 - silent) ** (k - j);
  // a run of failures counts once: it starts where the probe before it was answered
  return (86_400 / interval) * pFail * (1 - loss);
}
