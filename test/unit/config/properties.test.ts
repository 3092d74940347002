// Property-based tests of the parser and validator: any input gives a valid Config or located
// problems (never an exception; a hang would stop the run), and a printed Config reads back the same.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseConfigText } from '../../../src/config/load.js';
import { printConfig } from '../../../src/config/print.js';
import { KEYS } from '../../../src/config/keys.js';
import type { Config } from '../../../src/config/types.js';
import { LOOKUPS } from '../helpers.js';

const WHERE = /^(test\.conf(:\d+)?|environment [A-Z][A-Z0-9_]*|\(default [A-Z][A-Z0-9_]*\))$/;
const RUNS = 2000;
/** Thousands of runs share the machine with the end-to-end files in `make test`. */
const TIMEOUT = 120_000;

/** Parses and checks the outcome's shape. */
function parseChecked(text: string, env: Record<string, string> = {}): Config | undefined {
  const result = parseConfigText('test.conf', text, env, LOOKUPS);
  if (result.config) expect(result.problems).toEqual([]);
  else {
    expect(result.problems.length).toBeGreaterThan(0);
    for (const p of result.problems) {
      expect(p.where).toMatch(WHERE);
      expect(p.message.length).toBeGreaterThan(0);
    }
  }
  return result.config;
}

// Pieces of shell and of configuration files, so random texts get near the grammar.
const keyNames = Object.keys(KEYS);
const piece = fc.oneof(
  fc.constantFrom(...keyNames),
  fc.constantFrom('=', '=(', '( ', ' )', ')', '(', '"', "'", '\\', '\\\n', '\n', ' ', '\t', '#', '$', '$(', '`', ';', '&', '|', '>', '<', '{', '}', '*', '?', '[0]=', '!', '~', '+=', 'export ', '\r\n', '\0'),
  fc.constantFrom('eth1', 'eth2', 'auto', '198.18.101.2', '/24', '255.255.255.0', '0x97', '201', 'uplink1', 'main', 'icmp', 'tcp:80', 'yes', 'no', 'l4', 'strict', 'gateway', 'default', '192.0.2.0/24', '1', '0', '-1', '1.5', '4294967296', 'mtu', '1400', 'onlink', 'proto', 'static'),
  fc.string({ maxLength: 6 }),
);
const shellish = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));

// Valid configurations, built from parts that each pass their checks.
const device = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/).filter((d) => !['strict', 'auto', 'default', 'gateway', 'then', 'use', 'lan0'].includes(d));
const octet = fc.integer({ min: 1, max: 254 });
const first = fc.integer({ min: 1, max: 223 }).filter((o) => o !== 127);
const host = fc.tuple(first, octet, octet, octet).map((o) => o.join('.'));
const decimal = (min: number, max: number): fc.Arbitrary<string> =>
  fc.integer({ min: Math.round(min * 10), max: Math.round(max * 10) }).map((n) => (n % 10 === 0 ? String(n / 10) : (n / 10).toFixed(1)));

const validConfig = fc
  .uniqueArray(device, { minLength: 1, maxLength: 5 })
  .chain((devices) => {
    const n = devices.length;
    const column = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arb, { minLength: n, maxLength: n });
    const unique = (min: number, max: number): fc.Arbitrary<number[]> => fc.uniqueArray(fc.integer({ min, max }), { minLength: n, maxLength: n });
    return fc.record({
      devices: fc.constant(devices),
      tables: fc.option(unique(1, 252), { nil: undefined }),
      prios: fc.option(unique(3, 32765), { nil: undefined }),
      weights: fc.option(column(fc.integer({ min: 1, max: 256 })), { nil: undefined }),
      tiers: fc.option(column(fc.integer({ min: 1, max: 9 })), { nil: undefined }),
      marks: fc.option(unique(1, 0xffff), { nil: undefined }),
      statics: column(fc.option(fc.tuple(host, fc.integer({ min: 8, max: 30 })), { nil: undefined })),
      targets: fc.option(fc.uniqueArray(host, { minLength: 1, maxLength: 3 }), { nil: undefined }),
      perUplinkTargets: fc.option(column(fc.oneof(fc.constantFrom('default', 'gateway'), fc.uniqueArray(host, { minLength: 1, maxLength: 2 }).map((t) => t.join(',')))), { nil: undefined }),
      method: fc.option(fc.oneof(fc.constant('icmp'), fc.integer({ min: 1, max: 65535 }).map((p) => `tcp:${p}`)), { nil: undefined }),
      interval: fc.option(decimal(0.05, 60), { nil: undefined }),
      timeout: fc.option(decimal(0.1, 60), { nil: undefined }),
      failWindow: fc.option(decimal(0.1, 3600), { nil: undefined }),
      recoverWindow: fc.option(decimal(0, 3600), { nil: undefined }),
      loss: fc.option(fc.tuple(fc.integer({ min: 1, max: 100 }), fc.nat(99)).filter(([f, r]) => r < f), { nil: undefined }),
      latency: fc.option(fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat(59_999)).filter(([f, r]) => r < f), { nil: undefined }),
      degraded: fc.option(fc.constantFrom('weight', 'drain'), { nil: undefined }),
      metric: fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
      options: fc.option(fc.constantFrom('mtu 1400', 'onlink', 'proto static initcwnd 10', 'advmss lock 1360 quickack 1', 'congctl bbr features ecn'), { nil: undefined }),
      pinning: fc.option(fc.constantFrom('yes', 'no'), { nil: undefined }),
      pins: fc.array(fc.tuple(fc.option(fc.constantFrom('192.0.2.0/24', '10.0.0.0/8', '203.0.113.7'), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined }), fc.nat(n - 1), fc.boolean()), { maxLength: 3 }),
      policies: fc.array(
        fc.record({
          from: fc.option(fc.constantFrom('192.168.1.20', '192.168.50.0/24'), { nil: undefined }),
          in: fc.option(fc.constantFrom('lan0', 'guest.10'), { nil: undefined }),
          to: fc.option(fc.constantFrom('198.51.100.0/24', '203.0.113.7/32'), { nil: undefined }),
          ports: fc.option(fc.constantFrom('tcp', 'udp:53', 'udp:5060-5061', 'tcp:25'), { nil: undefined }),
          // tiers of distinct uplinks, with weights
          tiers: fc.shuffledSubarray([...Array(n).keys()], { minLength: 1 }).chain((order) =>
            fc.tuple(fc.constant(order), fc.array(fc.integer({ min: 1, max: 100 }), { minLength: order.length, maxLength: order.length }), fc.array(fc.boolean(), { minLength: order.length, maxLength: order.length })),
          ),
          strict: fc.boolean(),
        }),
        { maxLength: 3 },
      ),
      hash: fc.option(fc.constantFrom('l3', 'l4'), { nil: undefined }),
    });
  })
  .map((r) => {
    const lines = [`IFACE_DEVICE=( ${r.devices.join(' ')} )`];
    const arr = (key: string, values: readonly (string | number)[]): number => lines.push(`${key}=( ${values.join(' ')} )`);
    if (r.tables) arr('IFACE_TABLES', r.tables.map((t) => (t === 253 ? 252 : t)));
    if (r.prios) arr('IFACE_TABLES_PRIO', r.prios);
    if (r.weights) arr('IFACE_WEI', r.weights);
    if (r.tiers) arr('IFACE_TIER', r.tiers);
    if (r.marks) arr('IFACE_MARK', r.marks.map((m) => `0x${m.toString(16)}`));
    // static uplinks: the gateway is the address's network + 1 (or +2 when that is the address)
    if (r.statics.some((s) => s !== undefined)) {
      const parts = r.statics.map((s) => {
        if (!s) return ['auto', 'auto', 'auto'];
        const [address, prefix] = s;
        const o = address.split('.').map(Number);
        const value = ((o[0]! << 24) | (o[1]! << 16) | (o[2]! << 8) | o[3]!) >>> 0;
        const network = (value & ((0xffffffff << (32 - prefix)) >>> 0)) >>> 0;
        const gw = network + 1 === value ? network + 2 : network + 1;
        const text = (v: number): string => [24, 16, 8, 0].map((sh) => (v >>> sh) & 255).join('.');
        // distinct addresses per uplink: the last octet carries the index when needed
        return [text(value), `/${prefix}`, text(gw)];
      });
      arr('IFACE_IPS', parts.map((p) => p[0]!));
      arr('IFACE_NMS', parts.map((p) => p[1]!));
      arr('IFACE_GWS', parts.map((p) => p[2]!));
    }
    if (r.targets) arr('CHECK_TARGETS', r.targets);
    if (r.perUplinkTargets) arr('IFACE_CHECK_TARGETS', r.perUplinkTargets);
    if (r.method) lines.push(`CHECK_METHOD=${r.method}`);
    if (r.interval) lines.push(`CHECK_INTERVAL=${r.interval}`);
    if (r.timeout) lines.push(`CHECK_TIMEOUT="${r.timeout}"`);
    if (r.failWindow) lines.push(`CHECK_FAIL_WINDOW='${r.failWindow}'`);
    if (r.recoverWindow !== undefined) lines.push(`CHECK_RECOVER_WINDOW=${r.recoverWindow}  # comment`);
    if (r.loss) lines.push(`CHECK_LOSS_FAIL=${r.loss[0]}`, `CHECK_LOSS_RECOVER=${r.loss[1]}`);
    if (r.latency) lines.push(`CHECK_LATENCY_FAIL=${r.latency[0]}`, `CHECK_LATENCY_RECOVER=${r.latency[1]}`);
    if (r.degraded) lines.push(`CHECK_DEGRADED=${r.degraded}`);
    if (r.metric !== undefined) lines.push(`DEFAULT_ROUTE_METRIC=${r.metric}`);
    if (r.options) lines.push(`ROUTE_OPTIONS="${r.options}"`);
    if (r.pinning) lines.push(`CONNECTION_PINNING=${r.pinning}`);
    const pins = r.pins.filter(([dst, port]) => dst !== undefined || port !== undefined);
    if (pins.length > 0 && r.pinning !== 'no') {
      arr('PIN', pins.map(([dst, port, i, strict]) => `"${[dst, port === undefined ? undefined : `tcp:${port}`, r.devices[i], strict ? 'strict' : undefined].filter((x) => x !== undefined).join(' ')}"`));
    }
    const policies = r.policies.filter((p) => p.from ?? p.in ?? p.to ?? p.ports);
    if (policies.length > 0 && r.pinning !== 'no') {
      arr('POLICY', policies.map((p) => {
        const [order, weights, breaks] = p.tiers;
        const members = order.map((i, k) => `${k > 0 && breaks[k] ? 'then ' : ''}${r.devices[i]}${weights[k] === 1 ? '' : `:${weights[k]}`}`);
        const match = [p.from && `from ${p.from}`, p.in && `in ${p.in}`, p.to && `to ${p.to}`, p.ports].filter((x) => x);
        return `"${[...match, 'use', ...members, p.strict ? 'strict' : ''].join(' ').trim()}"`;
      }));
    }
    if (r.hash) lines.push(`HASH_POLICY=${r.hash}`);
    return `${lines.join('\n')}\n`;
  });

const withoutText = (config: Config): Omit<Config, 'text'> => {
  const { text: _text, ...rest } = config;
  return rest;
};

describe('parser and validator properties', () => {
  it('any text: a Config or located problems, never an exception', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400, unit: 'binary' }), shellish), (text) => {
        parseChecked(text);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);

  it('any environment overlay on a valid file: a Config or located problems', () => {
    const env = fc.dictionary(fc.constantFrom(...keyNames), fc.oneof(fc.string({ maxLength: 30 }), piece), { maxKeys: 4 });
    fc.assert(
      fc.property(validConfig, env, (text, overlay) => {
        parseChecked(text, overlay);
      }),
      { numRuns: RUNS / 2 },
    );
  }, TIMEOUT);

  it('generated valid configurations parse, and print-then-parse gives the same Config', () => {
    fc.assert(
      fc.property(validConfig, (text) => {
        const first = parseConfigText('test.conf', text, {}, LOOKUPS);
        if (!first.config) throw new Error(`generated configuration rejected:\n${text}\n${JSON.stringify(first.problems)}`);
        const printed = printConfig(first.config);
        const second = parseConfigText('test.conf', printed, {}, LOOKUPS);
        if (!second.config) throw new Error(`printed configuration rejected:\n${printed}\n${JSON.stringify(second.problems)}`);
        expect(withoutText(second.config)).toEqual(withoutText(first.config));
        expect(printConfig(second.config)).toBe(printed);
      }),
      { numRuns: RUNS / 2 },
    );
  }, TIMEOUT);

  it('a valid file with one character inserted, deleted or replaced: a Config or located problems', () => {
    const edit = fc.tuple(validConfig, fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.string({ minLength: 1, maxLength: 1, unit: 'binary' }));
    fc.assert(
      fc.property(edit, ([text, at, kind, ch]) => {
        const i = at % (text.length + 1);
        const edited = kind === 'insert' ? text.slice(0, i) + ch + text.slice(i) : text.slice(0, i) + (kind === 'replace' ? ch : '') + text.slice(i + 1);
        parseChecked(edited);
      }),
      { numRuns: RUNS },
    );
  }, TIMEOUT);
});
