// Drives scripts/rig/rig.sh (network namespaces with real ifupdown, dhclient and dnsmasq) from tests.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const RIG = resolve('scripts/rig/rig.sh');
// One rig per vitest worker, so that end-to-end files run side by side: every rig.sh started
// from this process (and its children) uses this worker's namespaces.
process.env.RIG_NAME ??= `uplink-lb-w${process.env.VITEST_POOL_ID ?? '1'}`;
export const HOOK = '/etc/network/if-up.d/uplink-load-balancing';
/** Debian's python3 (scripts/debian-deps.sh), for the traffic scripts: one found first in PATH
 *  may be a version manager's shim (pyenv's costs 0.3 s of CPU a start, against 0.02). */
export const PYTHON = '/usr/bin/python3';
/** Three uplinks, eth3 static (a rig brought up with staticIsps '3'). */
export const THREE_UPLINKS = `IFACE_DEVICE=( eth1 eth2 eth3 )
IFACE_WEI=( 2 1 1 )
IFACE_IPS=( auto auto 198.18.103.2 )
IFACE_NMS=( auto auto /24 )
IFACE_GWS=( auto auto 198.18.103.1 )
`;

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function rig(...args: string[]): string {
  return rigWith({}, ...args);
}

/** `rig` with variables added to its environment (the traffic scripts read some). */
function rigWith(env: Record<string, string>, ...args: string[]): string {
  // the kernel's state can list tens of thousands of routes (the kill trials plant 20000)
  return execFileSync(RIG, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } });
}

export function rigResult(...args: string[]): Result {
  const r = spawnSync(RIG, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function up(isps: number, options: { staticIsps?: string; lease?: string } = {}): void {
  if (process.getuid?.() !== 0) throw new Error('the end-to-end tests need root (network namespaces)');
  rigResult('down');
  execFileSync(RIG, ['up', String(isps)], { encoding: 'utf8', env: { ...process.env, RIG_STATIC: options.staticIsps ?? '', RIG_LEASE: options.lease ?? '10m' } });
}

/** Starts the hook without waiting, for runs that overlap. */
export function hookAsync(iface: string, mode: 'start' | 'stop'): Promise<Result> {
  return new Promise((done) => {
    const child = spawn(RIG, ['rx', 'env', `IFACE=${iface}`, `MODE=${mode}`, 'ADDRFAM=inet', HOOK]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => done({ status, stdout, stderr }));
  });
}

export const bin = (): string => rig('bin').trim();
export const etc = (): string => rig('etc').trim();

export function writeConfig(text: string): void {
  writeFileSync(`${etc()}/default/uplink-lb`, text, { mode: 0o600 });
}

/** uplink-lb inside the router, with extra environment. */
export function ulb(args: string[], env: Record<string, string> = {}): Result {
  return rigResult('rx', 'env', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), bin(), ...args);
}

/** The installed if-up.d hook, run as ifupdown runs it. */
export function hook(iface: string, mode: 'start' | 'stop', extra: Record<string, string> = {}): Result {
  const phase = mode === 'start' ? 'post-up' : 'pre-down';
  return rigResult('rx', 'env', `IFACE=${iface}`, `MODE=${mode}`, `PHASE=${phase}`, 'ADDRFAM=inet', ...Object.entries(extra).map(([k, v]) => `${k}=${v}`), HOOK);
}

/** Rules and routes of every table (without local/broadcast), as text. */
export const kernel = (): string => rig('kernel');

export interface Rule {
  priority: number;
  table: string;
  protocol?: string;
  src?: string;
  fwmark?: string;
}

export function rules(): Rule[] {
  return JSON.parse(rig('rx', 'ip', '-j', '-N', '-4', 'rule', 'show')) as Rule[];
}

export function ownRules(): Rule[] {
  return rules().filter((r) => r.protocol === '73');
}

export interface RouteJson {
  dst: string;
  gateway?: string;
  dev?: string;
  metric?: number;
  table?: string;
  nexthops?: { gateway: string; dev: string; weight: number }[];
}

export function routes(table = 'main'): RouteJson[] {
  return JSON.parse(rig('rx', 'ip', '-j', '-N', '-4', 'route', 'show', 'table', table)) as RouteJson[];
}

export function defaults(): RouteJson[] {
  return routes('main').filter((r) => r.dst === 'default');
}

export function dist(n: number, timeoutSeconds = 2): Record<string, number> {
  return JSON.parse(rig('dist', String(n), 'lan', String(timeoutSeconds))) as Record<string, number>;
}

/** Starts `uplink-lb check` in the router; the pid is the check's own (every wrapper execs). */
export function startCheck(): ChildProcess {
  return spawn(RIG, ['rx', bin(), 'check'], { stdio: 'ignore' });
}

export function stopCheck(child: ChildProcess): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
}

/** Keeps a `check` run going, as cron does: a run ends at a minute boundary, which may fall in
 * the middle of something a test waits for the check to do. */
export class Cron {
  private run: ChildProcess | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Starts a run now if none is going, and another whenever one ends, until `stop`. */
  start(): void {
    this.startIfIdle();
    this.timer ??= setInterval(() => this.startIfIdle(), 500);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.run) await stopCheck(this.run);
    this.run = undefined;
  }

  private startIfIdle(): void {
    if (!this.run || this.run.exitCode !== null || this.run.signalCode !== null) this.run = startCheck();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Whether process PID has ended: gone from /proc, or a zombie its parent has not reaped yet (an
 *  orphan waits for PID 1, which on this machine reaps every 2 s). */
export function ended(pid: number | string): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Polls `check` every half second until it holds or `seconds` pass; returns whether it held. */
export async function waitFor(check: () => boolean, seconds: number): Promise<boolean> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (check()) return true;
    await sleep(500);
  }
  return check();
}

/** The router's run directory, as the tool sees it (/run/uplink-lb). */
export function runFile(name: string): string {
  return rig('rx', 'cat', `/run/uplink-lb/${name}`);
}

export function ifup(iface: string): Result {
  return rigResult('ifup', iface);
}

export function ifdown(iface: string): Result {
  return rigResult('ifdown', iface);
}

export interface HoldResult {
  opened: Record<string, number>;
  failed_to_open: number;
  /** [seconds since `hold()` was called, ISP the connection started on] */
  broken: [number, string][];
}

/** A traffic script started in the background: the promise of what it prints at its end, and
 *  `ready()`, which resolves once it has begun (a hold: every connection opened). On a loaded
 *  machine the script may start seconds after it was asked to: what a test watches starts after
 *  `ready()`, not after a fixed pause. */
export type Begun<T> = Promise<T> & { ready(): Promise<void> };

let markers = 0;

/** COMMAND ARGS started in the background with ENV and a READY_FILE (hold.py and stream.py make
 *  it once they have begun; see `readyMarker`): what it printed, read by PARSE once it exited 0
 *  (an error naming LABEL otherwise), and `ready()`. */
export function begin<T>(command: string, args: string[], env: NodeJS.ProcessEnv, label: string, parse: (out: string) => T): Begun<T> {
  const marker = readyMarker();
  const result = new Promise<T>((done, fail) => {
    const child = spawn(command, args, { env: { ...env, ...marker.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('close', (code) => {
      // made by the script even when no one waited for it
      rmSync(marker.path, { force: true });
      if (code !== 0) return fail(new Error(`${label} exited ${code}: ${err}`));
      try {
        done(parse(out));
      } catch (e) {
        fail(new Error(`${label}: unreadable output (${String(e)}): ${out.slice(0, 200)}`));
      }
    });
  });
  return Object.assign(result, { ready: marker.ready });
}

/** The READY_FILE a traffic script (hold.py, stream.py) makes once it has begun, and the wait
 *  for it (30 s at most). */
function readyMarker(): { path: string; env: Record<string, string>; ready: () => Promise<void> } {
  const path = resolve(`test/.state/${process.env.RIG_NAME}-ready-${process.pid}-${++markers}`);
  rmSync(path, { force: true });
  const ready = async (): Promise<void> => {
    const end = Date.now() + 30_000;
    while (!existsSync(path)) {
      if (Date.now() > end) throw new Error(`the traffic script did not begin within 30 s (no ${path})`);
      await sleep(100);
    }
    rmSync(path, { force: true });
  };
  return { path, env: { READY_FILE: path }, ready };
}

/** Long-lived connections being held (`hold`): a promise of their result, which `end` can bring
 *  forward. */
export interface Held extends Begun<HoldResult> {
  /** Ends the connections SETTLE seconds from now, unbroken, and gives their result: SETTLE
   *  covers how long a break takes to be seen (an echo waited for over 3 s, after a line sent
   *  every 0.5 s), so a change made before the call is judged in full. */
  end(settle?: number): Promise<HoldResult>;
}

let holds = 0;

/** Holds N long-lived LAN connections for SECONDS at most (a line every 0.5 s); resolves at the
 *  end, or earlier through `end`. The broken times count from the call, on the test's clock:
 *  the holder itself may start a second or more later on a loaded machine, and a test compares
 *  them with its own moments. */
export function hold(n: number, seconds: number, address?: string): Held {
  const called = Date.now();
  const stop = resolve(`test/.state/${process.env.RIG_NAME}-hold-${process.pid}-${++holds}.stop`);
  rmSync(stop, { force: true });
  const held = begin(RIG, ['hold', String(n), String(seconds), ...(address ? [address] : [])], { ...process.env, HOLD_STOP: stop }, 'rig hold', (out) => {
    const raw = JSON.parse(out) as HoldResult & { started: number };
    const late = raw.started - called / 1000;
    return { opened: raw.opened, failed_to_open: raw.failed_to_open, broken: raw.broken.map(([t, isp]): [number, string] => [Math.round((t + late) * 100) / 100, isp]) };
  });
  const end = async (settle = 4): Promise<HoldResult> => {
    await sleep(settle * 1000);
    writeFileSync(stop, '');
    try {
      return await held;
    } finally {
      rmSync(stop, { force: true });
    }
  };
  return Object.assign(held, { end });
}

/** How many of `broken` started on `isp` and broke in [from, to) seconds after the hold began. */
export const brokenOn = (broken: readonly [number, string][], isp: string, from = 0, to = Infinity): number => broken.filter(([t, i]) => i === isp && t >= from && t < to).length;

/** N new connections from namespace NS to ADDR:PORT.. (`from`: from that source address;
 *  `ports`: PORT to PORT+ports-1, in turn; 400 by default). */
export function connect(ns: string, address: string, port: number, n: number, timeoutSeconds = 1, options: { from?: string; ports?: number } = {}): Record<string, number> {
  const env = { ...(options.from ? { BIND: options.from } : {}), ...(options.ports ? { PORTS: String(options.ports) } : {}) };
  return JSON.parse(rigWith(env, 'connect', ns, address, String(port), String(n), String(timeoutSeconds))) as Record<string, number>;
}

/** 20 lookups of new names (one second's worth) from the router or the LAN client through the
 *  resolver at `resolver` (IPv4 or IPv6; scripts/rig/lookups.py): how many were answered, and
 *  how many could not even be sent (refused on the way out). */
export function lookups(where: 'router' | 'lan', resolver: string): { answered: number; refused: number } {
  const command = [PYTHON, resolve('scripts/rig/lookups.py'), resolver, '20', '1', '1'];
  // (the router's namespace with this machine's python: a Debian root may have none)
  const out = rig('x', where, ...command);
  const results = out
    .split('\n')
    .filter((l) => l.startsWith('{"at"'))
    .map((l) => JSON.parse(l) as { rcode: number | null; error?: string });
  return { answered: results.filter((r) => r.rcode === 0).length, refused: results.filter((r) => r.error !== undefined).length };
}

/** The devices `ip route get` gives the router's own packets to `address` over UDP to port 53
 *  from 12 source ports (a balanced route that hashes ports could give several). */
export function devicesTowards(address: string): string[] {
  const family = address.includes(':') ? '-6' : '-4';
  return [...new Set(Array.from({ length: 12 }, (_, n) => /dev (\S+)/.exec(rig('rx', 'ip', family, 'route', 'get', address, 'ipproto', 'udp', 'sport', String(40000 + n), 'dport', '53'))?.[1] ?? '?'))];
}

/** The devices of uplink-lb's default route (metric 10), in order; none when it is absent. */
export function inRoute(): string[] {
  const route = defaults().find((r) => r.metric === 10);
  return route?.nexthops ? route.nexthops.map((h) => h.dev) : route?.dev ? [route.dev] : [];
}

/** Polls `check` every 200 ms for up to `seconds`, synchronously (for tests that run no timers). */
export function waitForSync(check: () => boolean, seconds: number): boolean {
  const end = Date.now() + seconds * 1000;
  for (;;) {
    if (check()) return true;
    if (Date.now() > end) return false;
    spawnSync('sleep', ['0.2']);
  }
}

/** Three uplinks weighted 2:1:1 probing 192.0.2.20, flap damping off (the health and
 *  operations tests fail uplinks again and again on purpose). */
export const PROBED_CONFIG = `IFACE_DEVICE=( eth1 eth2 eth3 )
IFACE_WEI=( 2 1 1 )
CHECK_TARGETS=( 192.0.2.20 )
CHECK_FLAP_HOLD=0
`;

/** Three DHCP ISPs, uplink-lb installed with PROBED_CONFIG, every uplink up, and the probe
 *  target 192.0.2.20 beside the server in the "internet" (the rig only adds the server). */
export function upProbed(options: { lease?: string } = {}): void {
  up(3, options);
  rig('install');
  rig('x', 'inet', 'ip', 'addr', 'add', '192.0.2.20/32', 'dev', 'lo');
  writeConfig(PROBED_CONFIG);
  for (const i of ['eth1', 'eth2', 'eth3']) {
    const r = ifup(i);
    if (r.status !== 0) throw new Error(`ifup ${i} failed: ${r.stderr}`);
  }
}
