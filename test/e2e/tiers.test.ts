// Failover tiers and maintenance drains on the real stack, three ISPs: a tier-2 uplink carries
// nothing while tier 1 works and everything when it does not; connections opened on it survive
// the failback; a drained uplink takes no new connection, keeps its pinned ones until the
// deadline, and is not put back by ifup or the health check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenOn, Cron, dist, hold, hook, inRoute, PROBED_CONFIG, rig, sleep, ulb, upProbed, waitFor, writeConfig } from './rig.js';

const TIERED = `${PROBED_CONFIG}IFACE_TIER=( 1 1 2 )\n`;

describe('tiers and maintenance', () => {
  const cron = new Cron();
  beforeAll(() => {
    upProbed();
  });
  afterAll(async () => {
    await cron.stop();
    rig('down');
  });

  it('tier 2 carries nothing while tier 1 works, everything when it does not, and keeps what it carried after the failback', async () => {
    writeConfig(TIERED);
    expect(ulb(['apply']).status).toBe(0);
    expect(inRoute()).toEqual(['eth1', 'eth2']);
    expect(ulb(['status']).stdout.split('\n')[0]).toBe('balancing over 2 of 3 uplinks (eth1, eth2); on standby: eth3 (tier 2)');
    expect(dist(300, 1)).toMatchObject({ isp3: 0, fail: 0 });
    cron.start();
    rig('fail', 'isp1', 'upstream');
    rig('fail', 'isp2', 'upstream');
    const lastDied = Date.now();
    expect(await waitFor(() => inRoute().join() === 'eth3', 15)).toBe(true);
    console.log(`last tier-1 uplink dead to the route on tier 2: ${((Date.now() - lastDied) / 1000).toFixed(2)} s (polled every 0.2 s)`);
    expect(dist(300, 1)).toMatchObject({ isp3: 300, fail: 0 });
    // long-lived connections opened on the backup, then tier 1 comes back
    const held = hold(100, 16);
    await held.ready();
    await sleep(1000);
    rig('fail', 'isp1', 'none');
    rig('fail', 'isp2', 'none');
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2', 20)).toBe(true);
    expect(dist(300, 1)).toMatchObject({ isp3: 0, fail: 0 });
    const result = await held.end();
    expect(result.opened.isp3).toBe(100);
    expect(result.broken).toEqual([]);

    // IFACE_FAILBACK_RELEASE=4: released 4 s after the route went back to tier 1, not before
    writeConfig(`${TIERED}IFACE_FAILBACK_RELEASE=( 0 0 4 )\n`);
    rig('fail', 'isp1', 'upstream');
    rig('fail', 'isp2', 'upstream');
    expect(await waitFor(() => inRoute().join() === 'eth3', 15)).toBe(true);
    const released = hold(100, 16);
    const holdStart = Date.now();
    await released.ready();
    await sleep(1000);
    rig('fail', 'isp1', 'none');
    rig('fail', 'isp2', 'none');
    // the failback is the moment the first tier-1 uplink is back (eth3 leaves the route then;
    // the second may follow seconds later on a loaded machine)
    expect(await waitFor(() => inRoute().length > 0 && !inRoute().includes('eth3'), 20)).toBe(true);
    const failback = (Date.now() - holdStart) / 1000;
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2', 20)).toBe(true);
    const after = await released;
    expect(after.opened.isp3).toBe(100);
    // (`failback` is when this test saw the route change, up to a poll and a slow `ip` late on a
    // loaded machine: a release at the change itself would come before it)
    expect(brokenOn(after.broken, 'isp3', 0, failback + 2.5)).toBe(0);
    expect(brokenOn(after.broken, 'isp3')).toBe(100);
    console.log(`failback at ${failback.toFixed(1)} s into the hold; pinned connections released at ${Math.min(...after.broken.map(([t]) => t)).toFixed(1)}-${Math.max(...after.broken.map(([t]) => t)).toFixed(1)} s`);
  }, 120_000);

  it('drain: no new connection on the uplink, its pinned ones kept until the deadline, not undone by ifup or the check; undrain puts it back', async () => {
    writeConfig(PROBED_CONFIG);
    cron.start();
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2,eth3', 10)).toBe(true);
    const called = Date.now();
    const held = hold(200, 22);
    await held.ready();
    await sleep(1000);
    const drainedAt = (Date.now() - called) / 1000;
    const drained = ulb(['drain', 'eth1', '--deadline', '8']);
    const deadline = Date.now() + 8000;
    expect(drained.status, drained.stderr).toBe(0);
    expect(drained.stdout).toMatch(/^eth1 drained: new connections avoid it; connections pinned to it are kept until \S+Z$/m);
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    expect(dist(150, 1)).toMatchObject({ isp1: 0, fail: 0 });
    // an ifup of eth1 and the running health check leave it drained
    expect(hook('eth1', 'start').status).toBe(0);
    await sleep(2000);
    expect(inRoute()).toEqual(['eth2', 'eth3']);
    const status = ulb(['status']);
    expect(status.stdout).toMatch(/eth1: maintenance, not in the default route - drained by the administrator at \S+Z \(uplink-lb undrain ends it\); pinned connections kept until \S+Z/);
    // held until the breaks at the deadline are seen
    const result = await held.end(Math.max(4, (deadline - Date.now()) / 1000 + 4));
    expect(result.failed_to_open).toBe(0);
    // none broken before the deadline (8 s after the drain), every one of isp1's at it, none elsewhere
    expect(brokenOn(result.broken, 'isp1', 0, drainedAt + 7.5)).toBe(0);
    expect(brokenOn(result.broken, 'isp1')).toBe(result.opened.isp1);
    expect(brokenOn(result.broken, 'isp2') + brokenOn(result.broken, 'isp3')).toBe(0);
    expect(result.opened.isp1).toBeGreaterThan(20);
    // the last uplinks cannot all be drained
    expect(ulb(['drain', 'eth2']).status).toBe(0);
    const last = ulb(['drain', 'eth3']);
    expect(last.status).toBe(2);
    expect(last.stderr).toContain('drain: no other uplink is up: draining eth3 would leave the router without a route to the internet; nothing changed');
    expect(inRoute()).toEqual(['eth3']);
    expect(ulb(['undrain', 'eth1']).status).toBe(0);
    expect(ulb(['undrain', 'eth2']).status).toBe(0);
    expect(await waitFor(() => inRoute().join() === 'eth1,eth2,eth3', 5)).toBe(true);
    expect(ulb(['undrain', 'eth9']).status).toBe(2);
  }, 90_000);
});
