// The health check's keys: targets and method (globally and per uplink), and the round and
// hysteresis parameters.
import type { RawValues } from './collect.js';
import type { KeyName } from './keys.js';
import { hostAddress } from './ipv4.js';
import { printable, type Check } from './checkers.js';
import { bad, ok, type Result } from '../util/result.js';
import type { Validator } from './validator.js';
import type { CheckConfig, ProbeMethod } from './types.js';

/** Defaults: a dead ISP is drained within about 4 s (3 failed 1-second rounds plus the
 *  timeout of the last), and an uplink losing 20% of its packets fails a round only when all
 *  3 probes of every target are lost (0.2^3 = 0.8% per round with one target), so 3 such
 *  rounds in a row happen about once in 2 million rounds. */
const CHECK_DEFAULTS: CheckConfig = { interval: 1, timeout: 1, count: 3, reliability: 1, down: 3, up: 5, flapHold: 30, flapHoldMax: 600, action: 'drain' };

const checkMethod: Check<ProbeMethod> = (text) => {
  if (text === 'icmp') return ok({ kind: 'icmp' });
  const tcp = /^tcp:(\d{1,5})$/.exec(text);
  if (tcp?.[1] && Number(tcp[1]) >= 1 && Number(tcp[1]) <= 65535) return ok({ kind: 'tcp', port: Number(tcp[1]) });
  return bad(`${printable(text)} is not a probe method (icmp, or tcp:PORT)`);
};

function checkTargetList(text: string): Result<string[]> {
  const targets = text.split(',').filter((t) => t !== '');
  if (targets.length === 0) return bad('is empty');
  for (const target of targets) {
    const address = hostAddress(target);
    if ('problem' in address) return bad(`target ${printable(target)} ${address.problem}`);
  }
  return ok(targets);
}

interface Range {
  key: KeyName;
  min: number;
  max: number;
  integer: boolean;
}

function number(v: Validator, raw: RawValues, { key, min, max, integer }: Range, fallback: number): number {
  const text = raw[key]?.values[0];
  if (text === undefined) return fallback;
  const pattern = integer ? /^\d+$/ : /^\d+(\.\d+)?$/;
  if (!pattern.test(text) || Number(text) < min || Number(text) > max) {
    v.report(key, `${key}: ${printable(text)} is not ${integer ? 'a whole number' : 'a number of seconds'} from ${min} to ${max}`);
    return fallback;
  }
  return Number(text);
}

export interface CheckSettings {
  check: CheckConfig;
  targets: string[][];
  methods: ProbeMethod[];
  warnings: string[];
}

export function validateCheck(v: Validator, raw: RawValues, devices: readonly (string | undefined)[]): CheckSettings {
  const count = devices.length;
  const d = CHECK_DEFAULTS;
  const check: CheckConfig = {
    interval: number(v, raw, { key: 'CHECK_INTERVAL', min: 0.2, max: 3600, integer: false }, d.interval),
    timeout: number(v, raw, { key: 'CHECK_TIMEOUT', min: 0.1, max: 60, integer: false }, d.timeout),
    count: number(v, raw, { key: 'CHECK_COUNT', min: 1, max: 20, integer: true }, d.count),
    reliability: number(v, raw, { key: 'CHECK_RELIABILITY', min: 1, max: 16, integer: true }, d.reliability),
    down: number(v, raw, { key: 'CHECK_DOWN', min: 1, max: 1000, integer: true }, d.down),
    up: number(v, raw, { key: 'CHECK_UP', min: 1, max: 1000, integer: true }, d.up),
    flapHold: number(v, raw, { key: 'CHECK_FLAP_HOLD', min: 0, max: 3600, integer: true }, d.flapHold),
    flapHoldMax: number(v, raw, { key: 'CHECK_FLAP_HOLD_MAX', min: 1, max: 86400, integer: true }, d.flapHoldMax),
    action: d.action,
  };
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
    const address = hostAddress(text);
    if ('problem' in address) v.report('CHECK_TARGETS', `CHECK_TARGETS[${i}]: ${printable(text)} ${address.problem}`);
    else globalTargets.push(text);
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

  const warnings: string[] = [];
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
  if (check.timeout > check.interval) warnings.push(`CHECK_TIMEOUT (${check.timeout} s) is longer than CHECK_INTERVAL (${check.interval} s): rounds will run back to back`);
  return { check, targets, methods, warnings };
}
