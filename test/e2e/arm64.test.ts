// The arm64 executable, cross-built on this machine (`make ARCH=arm64`), run under qemu-user
// with Debian 12's arm64 libraries: it says what the x86-64 one says, on the same inputs and the
// same kernel state, and `make deb ARCH=arm64` packages it for arm64.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildDeb } from './deb.js';

const BUILD_ARM64 = 'test/.state/build-arm64';
/** The x86-64 executable with the package's paths: the one the Debian-root tests package. */
const BUILD_X64 = 'test/.state/deb';
const NS = 'uplink-lb-arm64';
let root = '';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an executable (the arm64 one under qemu-aarch64), in the test's namespace when `inNs`,
 *  with a /run of its own so that no lock or record of the host's is touched. */
function run(arch: 'arm64' | 'x64', args: string[], inNs = false): Run {
  const exe = resolve(arch === 'arm64' ? BUILD_ARM64 : BUILD_X64, 'uplink-lb');
  const command = arch === 'arm64' ? ['qemu-aarch64', '-L', root, exe, ...args] : [exe, ...args];
  const isolated = ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs tmpfs /run && exec "$@"', 'sh', ...command];
  const full = inNs ? ['ip', 'netns', 'exec', NS, ...isolated] : isolated;
  const r = spawnSync(full[0] as string, full.slice(1), { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const sh = (...args: string[]): string => execFileSync(args[0] as string, args.slice(1), { encoding: 'utf8' });

describe('arm64', () => {
  let dir = '';
  beforeAll(() => {
    root = sh('scripts/rig/arm64-root.sh').trim();
    // both from the same sources, the same way (the default paths of a package)
    sh('flock', `${BUILD_ARM64}.lock`, 'make', '-s', 'ARCH=arm64', `BUILDDIR=${BUILD_ARM64}`);
    buildDeb();
    dir = mkdtempSync(resolve('test/.state/arm64-'));
    // a kernel state to plan against: two static uplinks on veth links (this kernel may have no
    // dummy driver), in a namespace
    spawnSync('ip', ['netns', 'del', NS]);
    sh('ip', 'netns', 'add', NS);
    for (const [i, dev] of ['eth1', 'eth2'].entries()) {
      sh('ip', '-n', NS, 'link', 'add', dev, 'type', 'veth', 'peer', 'name', `peer${i + 1}`);
      sh('ip', '-n', NS, 'link', 'set', `peer${i + 1}`, 'up');
      sh('ip', '-n', NS, 'addr', 'add', `198.18.10${i + 1}.2/24`, 'dev', dev);
      sh('ip', '-n', NS, 'link', 'set', dev, 'up');
    }
  }, 600_000);
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is an aarch64 executable that starts under emulation and says the same version', () => {
    expect(sh('readelf', '-h', `${BUILD_ARM64}/uplink-lb`)).toMatch(/Machine:\s+AArch64/);
    const arm = run('arm64', ['--version']);
    const x64 = run('x64', ['--version']);
    expect(arm.status, arm.stderr).toBe(0);
    expect(arm.stdout).toBe(x64.stdout);
    // how fast each starts: scripts/measure/arm64-start.sh (emulation speed is the machine's)
  }, 120_000);

  it('validates the shipped configuration and a real one as the x86-64 executable does', () => {
    for (const file of [resolve('hooks/uplink-lb.default'), `${dir}/uplink-lb`]) {
      if (file.startsWith(dir)) {
        writeFileSync(file, 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nCHECK_TARGETS=( 192.0.2.20 )\nPOLICY=( "tcp:25 use eth1 then eth2" )\n', { mode: 0o600 });
      }
      for (const args of [['--config', file, 'validate'], ['--config', file, 'validate', '--print']]) {
        const arm = run('arm64', args);
        const x64 = run('x64', args);
        expect([arm.status, arm.stdout, arm.stderr.replaceAll(root, '')]).toEqual([x64.status, x64.stdout, x64.stderr]);
      }
    }
    // the shipped file sets nothing yet: both refuse it the same way
    expect(run('arm64', ['--config', resolve('hooks/uplink-lb.default'), 'validate']).status).toBe(2);
    expect(run('arm64', ['--config', `${dir}/uplink-lb`, 'validate']).status).toBe(0);
  }, 120_000);

  it('plans the same changes for the same kernel state (apply --dry-run)', () => {
    const config = `${dir}/static`;
    writeFileSync(config, 'IFACE_DEVICE=( eth1 eth2 )\nIFACE_WEI=( 2 1 )\nIFACE_IPS=( 198.18.101.2 198.18.102.2 )\nIFACE_NMS=( /24 /24 )\nIFACE_GWS=( 198.18.101.1 198.18.102.1 )\nPOLICY=( "tcp:25 use eth1 then eth2" )\n', { mode: 0o600 });
    const arm = run('arm64', ['--config', config, 'apply', '--dry-run'], true);
    const x64 = run('x64', ['--config', config, 'apply', '--dry-run'], true);
    expect(arm.status, arm.stderr).toBe(0);
    expect(arm.stdout).toBe(x64.stdout);
    // the kernel here has nexthop objects: the balanced route is a group of the uplinks' objects
    expect(arm.stdout).toContain('nexthop replace id 7300001 via 198.18.101.1 dev eth1 proto 73\nnexthop replace id 7300002 via 198.18.102.1 dev eth2 proto 73\nnexthop replace id 7300000 group 7300001,2/7300002,1 proto 73\n');
    expect(arm.stdout).toContain('route replace default table 254 metric 10 proto 73 nhid 7300000\n');
    expect(arm.stdout).toContain('tcp dport 25 meta mark set 0x97 ct mark set meta mark accept');
  }, 120_000);

  it('is packaged for arm64 by make deb ARCH=arm64', () => {
    const deb = sh('flock', `${BUILD_ARM64}.lock`, 'make', '-s', 'deb', 'ARCH=arm64', `BUILDDIR=${BUILD_ARM64}`).trim().split('\n').at(-1) ?? '';
    expect(deb).toMatch(/uplink-lb_[\d.]+_arm64\.deb$/);
    expect(sh('dpkg-deb', '-f', deb, 'Architecture').trim()).toBe('arm64');
  }, 120_000);
});
