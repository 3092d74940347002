// The health check's keys: targets and method (globally and per uplink), the probing pace,
// the failure and recovery windows, and the quality thresholds.
import type { RawValues } from './collect.js';
import type { KeyName } from './keys.js';
import { hostAddress } from './ipv4.js';
import { printable, type Check } from './checkers.js';
import { bad, ok, type Result } from '../util/result.js';
import type { Validator } from './validator.js';
import type { CheckConfig, ProbeMethod, Threshold } from './types.js';
import { defaultFailWindow } from './fail-window.js';
import { targetAddress6 } from './ipv6.js';

/** Defaults: a probe to every target every 0.25 s; an uplink fails after 8 of its probes in a
 *  row went unanswered (2 s with one target, 1 s with two: see fail-window.ts), is back
 *  after answering steadily for 3 s; degraded (weight lowered) at 40% loss or a mean round
 *  trip above 1 s, measured over 10 s, good again at 20% and 500 ms (mwan3's latency values). */
const CHECK_DEFAULTS: CheckConfig = {
  interval: 0.25,
  timeout: 2,
  reliability: 1,
  recoverWindow: 3,
  qualityWindow: 10,
  loss: { fail: 40, recover: 20 },
  latency: { fail: 1000, recover: 500 },
  degraded: 'weight',
  flapHold: 30,
  flapHoldMax: 600,
  runMinutes: 10,
  action: 'drain',
};

const checkMethod: Check<ProbeMethod> = (text) => {
  if (text === 'icmp') return ok({ kind: 'icmp' });
  const tcp = /^tcp:(\d{1,5})$/.exec(text);
  if (tcp?.[1] && Number(tcp[1]) >= 1 && Number(tcp[1]) <= 65535) return ok({ kind: 'tcp', port: Number(tcp[1]) });
  return bad(`${printable(text)} is not a probe method (icmp, or tcp:PORT)`);
};

/** A probe target of either family: an IPv4 one probes the uplinks' IPv4 side, an IPv6 one
 *  their IPv6 side. */
function checkTarget(text: string): Result<string> {
  if (!text.includes(':')) return hostAddress(text);
  return targetAddress6(text);
}

function checkTargetList(text: string): Result<string[]> {
  const targets = text.split(',').filter((t) => t !== '');
  if (targets.length === 0) return bad('is empty');
  const out: string[] = [];
  for (const target of targets) {
    const address = checkTarget(target);
    if ('problem' in address) return bad(`target ${printable(target)} ${address.problem}`);
    out.push(address.value);
  }
  return ok(out);
}

interface Range {
  key: KeyName;
  min: number;
  max: number;
  integer: boolean;
  /** What the number counts, for the message: "seconds" unless said. */
  unit?: string;
}

function number(v: Validator, raw: RawValues, { key, min, max, integer, unit = 'seconds' }: Range, fallback: number): number {
  const text = raw[key]?.values[0];
  if (text === undefined) return fallback;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(text) || Number(text) < min || Number(text) > max) {
    v.report(key, `${key}: ${printable(text)} is not ${integer ? 'a whole number' : 'a number'} of ${unit} from ${min} to ${max}`);
    return fallback;
  }
  return Number(text);
}

/** A pair of failure and recovery values; recovery must be the better one. */
function threshold(v: Validator, raw: RawValues, keys: { fail: Range; recover: Range }, fallback: Threshold): Threshold {
  const fail = number(v, raw, keys.fail, fallback.fail);
  const recover = number(v, raw, keys.recover, fallback.recover);
  if (fail > 0 && recover >= fail) {
    v.report(keys.recover.key, `${keys.recover.key}: ${recover} must be below ${keys.fail.key} (${fail}), or an uplink would be degraded and good at once`);
  }
  return { fail, recover };
}

/** CHECK_COUNT, CHECK_DOWN and CHECK_UP counted rounds, which continuous probing has none of:
 *  DOWN and UP are read as windows of as many rounds (of CHECK_INTERVAL as written, or the
 *  1 s a round took by default), COUNT is not needed. Each says what replaces it. */
function legacyWindows(v: Validator, raw: RawValues, warnings: string[]): { fail?: number; recover?: number } {
  const roundText = raw.CHECK_INTERVAL?.values[0];
  const round = roundText !== undefined && /^\d+(\.\d+)?$/.test(roundText) ? Number(roundText) : 1;
  const read = (old: 'CHECK_DOWN' | 'CHECK_UP', replacement: 'CHECK_FAIL_WINDOW' | 'CHECK_RECOVER_WINDOW'): number | undefined => {
    if (raw[old] === undefined) return undefined;
    if (raw[replacement] !== undefined) {
      v.report(old, `${old}: replaced by ${replacement}, which is set too: remove ${old}`);
      return undefined;
    }
    const rounds = number(v, raw, { key: old, min: 1, max: 1000, integer: true, unit: 'rounds' }, 0);
    if (rounds === 0) return undefined;
    const seconds = Math.min(3600, Math.round(rounds * round * 1000) / 1000);
    warnings.push(`${old}=${rounds} is read as ${replacement}=${seconds} (${rounds} rounds of ${round} s): probing is continuous now; write ${replacement} in seconds instead`);
    return seconds;
  };
  if (raw.CHECK_COUNT !== undefined) {
    number(v, raw, { key: 'CHECK_COUNT', min: 1, max: 20, integer: true, unit: 'probes' }, 0);
    warnings.push('CHECK_COUNT is not used any more: every target is probed continuously, once every CHECK_INTERVAL; remove it');
  }
  const windows: { fail?: number; recover?: number } = {};
  const fail = read('CHECK_DOWN', 'CHECK_FAIL_WINDOW');
  const recover = read('CHECK_UP', 'CHECK_RECOVER_WINDOW');
  if (fail !== undefined) windows.fail = fail;
  if (recover !== undefined) windows.recover = recover;
  return windows;
}

export interface CheckSettings {
  check: CheckConfig;
  targets: string[][];
  /** Each uplink's IPv6 targets. */
  targets6: string[][];
  methods: ProbeMethod[];
  /** Each uplink's failure window in seconds. */
  failWindows: number[];
  /** Each uplink's IPv6 side's failure window. */
  failWindows6: number[];
  warnings: string[];
}

export function validateCheck(v: Validator, raw: RawValues, devices: readonly (string | undefined)[]): CheckSettings {
  const count = devices.length;
  const d = CHECK_DEFAULTS;
  const warnings: string[] = [];
  const legacy = legacyWindows(v, raw, warnings);
  const check: CheckConfig = {
    interval: number(v, raw, { key: 'CHECK_INTERVAL', min: 0.05, max: 60, integer: false }, d.interval),
    timeout: number(v, raw, { key: 'CHECK_TIMEOUT', min: 0.1, max: 60, integer: false }, d.timeout),
    reliability: number(v, raw, { key: 'CHECK_RELIABILITY', min: 1, max: 16, integer: true, unit: 'targets' }, d.reliability),
    recoverWindow: number(v, raw, { key: 'CHECK_RECOVER_WINDOW', min: 0, max: 3600, integer: false }, legacy.recover ?? d.recoverWindow),
    qualityWindow: number(v, raw, { key: 'CHECK_QUALITY_WINDOW', min: 1, max: 3600, integer: false }, d.qualityWindow),
    loss: threshold(v, raw, {
      fail: { key: 'CHECK_LOSS_FAIL', min: 0, max: 100, integer: true, unit: 'percent' },
      recover: { key: 'CHECK_LOSS_RECOVER', min: 0, max: 100, integer: true, unit: 'percent' },
    }, d.loss),
    latency: threshold(v, raw, {
      fail: { key: 'CHECK_LATENCY_FAIL', min: 0, max: 60_000, integer: true, unit: 'milliseconds' },
      recover: { key: 'CHECK_LATENCY_RECOVER', min: 0, max: 60_000, integer: true, unit: 'milliseconds' },
    }, d.latency),
    degraded: d.degraded,
    flapHold: number(v, raw, { key: 'CHECK_FLAP_HOLD', min: 0, max: 3600, integer: true }, d.flapHold),
    flapHoldMax: number(v, raw, { key: 'CHECK_FLAP_HOLD_MAX', min: 1, max: 86400, integer: true }, d.flapHoldMax),
    runMinutes: number(v, raw, { key: 'CHECK_RUN_MINUTES', min: 1, max: 60, integer: true, unit: 'minutes' }, d.runMinutes),
    action: d.action,
  };
  const failWindow = number(v, raw, { key: 'CHECK_FAIL_WINDOW', min: 0.1, max: 3600, integer: false }, legacy.fail ?? 0);
  if (failWindow > 0) check.failWindow = failWindow;
  const degraded = raw.CHECK_DEGRADED?.values[0];
  if (degraded !== undefined) {
    if (degraded === 'weight' || degraded === 'drain') check.degraded = degraded;
    else v.report('CHECK_DEGRADED', `CHECK_DEGRADED: ${printable(degraded)} is not weight (lower the uplink's weight in proportion to its quality) or drain (take it out of the default route)`);
  }
  const action = raw.CHECK_ACTION?.values[0];
  if (action !== undefined) {
    if (action === 'drain') check.action = action;
    else {
      // The classic ifdown is not offered: it releases a DHCP lease, after which the uplink
      // has no address to be probed from and never comes back by itself.
      v.report('CHECK_ACTION', `CHECK_ACTION: ${printable(action)} is not offered; the only action is drain (the uplink leaves the default route and keeps being probed, so it comes back by itself)`);
    }
  }

  let globalTargets: string[] = [];
  for (const [i, text] of (raw.CHECK_TARGETS?.values ?? []).entries()) {
    const address = checkTarget(text);
    if ('problem' in address) v.report('CHECK_TARGETS', `CHECK_TARGETS[${i}]: ${printable(text)} ${address.problem}`);
    else globalTargets.push(address.value);
  }
  globalTargets = [...new Set(globalTargets)];

  let globalMethod: ProbeMethod = { kind: 'icmp' };
  const methodText = raw.CHECK_METHOD?.values[0];
  if (methodText !== undefined) {
    const checked = checkMethod(methodText);
    if ('problem' in checked) v.report('CHECK_METHOD', `CHECK_METHOD: ${checked.problem}`);
    else globalMethod = checked.value;
  }
  const methods = v
    .column<ProbeMethod | 'default'>(count, { key: 'IFACE_CHECK_METHOD', check: (t) => (t === 'default' ? ok('default') : checkMethod(t)), fallback: () => 'default' })
    .map((m) => (m === undefined || m === 'default' ? globalMethod : m));
  const targets = v
    .column<string[] | 'default'>(count, {
      key: 'IFACE_CHECK_TARGETS',
      check: (t) => {
        if (t === 'default') return ok('default');
        if (t === 'gateway') return ok([]);
        const list = checkTargetList(t);
        return 'problem' in list ? bad(`${printable(t)}: ${list.problem} (a comma-separated list of addresses, "default" or "gateway")`) : list;
      },
      fallback: () => 'default',
    })
    .map((t) => (t === undefined || t === 'default' ? globalTargets : t));
  // each family's targets probe that family's side of the uplink
  const targets6 = targets.map((list) => list.filter((t) => t.includes(':')));
  targets.forEach((list, i) => {
    targets[i] = list.filter((t) => !t.includes(':'));
  });
  targets6.forEach((list, i) => {
    if (list.length > 0 && check.reliability > list.length) {
      v.report('CHECK_RELIABILITY', `CHECK_RELIABILITY: ${check.reliability} targets must answer, but uplink ${i} (${devices[i] ?? '?'}) has ${list.length} IPv6 target${list.length === 1 ? '' : 's'}`);
    }
  });

  targets.forEach((list, i) => {
    const targetCount = Math.max(list.length, 1);
    if (check.reliability > targetCount) {
      v.report('CHECK_RELIABILITY', `CHECK_RELIABILITY: ${check.reliability} targets must answer, but uplink ${i} (${devices[i] ?? '?'}) has ${targetCount}`);
    }
    if (list.length === 0) {
      warnings.push(`${devices[i] ?? `uplink ${i}`}: probes only its gateway (no CHECK_TARGETS): a failure behind a live gateway cannot be seen`);
    }
    if (methods[i]?.kind === 'tcp' && list.length === 0) {
      warnings.push(`${devices[i] ?? `uplink ${i}`}: a TCP probe of the gateway needs the gateway to listen on port ${methods[i]?.kind === 'tcp' ? methods[i].port : ''}`);
    }
  });
  const failWindows = targets.map((list) => check.failWindow ?? defaultFailWindow(list.length, check.reliability, check.interval));
  const failWindows6 = targets6.map((list) => check.failWindow ?? defaultFailWindow(list.length, check.reliability, check.interval));
  failWindows.forEach((window, i) => {
    if (window < 2 * check.interval) warnings.push(`${devices[i] ?? `uplink ${i}`}: a failure window of ${window} s holds fewer than 2 probes (CHECK_INTERVAL ${check.interval} s): one lost probe fails the uplink`);
  });
  if (check.qualityWindow < 5 * check.interval) warnings.push(`CHECK_QUALITY_WINDOW (${check.qualityWindow} s) holds fewer than 5 probes per target (CHECK_INTERVAL ${check.interval} s): quality cannot be judged`);
  return { check, targets, targets6, methods, failWindows, failWindows6, warnings };
}
