// Event hooks: which run, what they hear, how a burst is coalesced, and that a hook that hangs
// is stopped with everything it started. Real sh scripts in a temporary directory.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { coalesce } from '../../../src/events/coalesce.js';
import { listHooks, runEventHook } from '../../../src/events/hooks.js';
import type { Transition } from '../../../src/state/transitions.js';

const DIR = mkdtempSync(join(tmpdir(), 'uplink-lb-hooks-'));
afterAll(() => rmSync(DIR, { recursive: true, force: true }));

const script = (name: string, body: string, mode = 0o755): string => {
  const path = join(DIR, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, mode);
  return path;
};
const EVENT: Transition = { at: Date.UTC(2026, 10, 27, 12, 0, 0), device: 'eth1', event: 'draining', cause: '3 failed rounds in a row' };

describe('event hooks', () => {
  it('coalesces a burst: per uplink where it ended, the last fail-open change, one rollback', () => {
    const at = (s: number): number => EVENT.at + s * 1000;
    const burst: Transition[] = [
      { at: at(0), device: 'eth1', event: 'draining', cause: 'a' },
      { at: at(1), device: 'eth2', event: 'draining', cause: 'b' },
      { at: at(2), event: 'fail-open', cause: 'c' },
      { at: at(3), device: 'eth1', event: 'recovering', cause: 'd' },
      { at: at(4), event: 'fail-open-ended', cause: 'e' },
      { at: at(5), event: 'rolled-back', cause: 'f' },
      { at: at(6), device: 'eth1', event: 'up', cause: 'g' },
      { at: at(7), event: 'rolled-back', cause: 'h' },
    ];
    expect(coalesce(burst).map((e) => `${e.device ?? '-'} ${e.event} ${e.cause}`)).toEqual(['eth2 draining b', '- fail-open-ended e', 'eth1 up g', '- rolled-back h']);
  });

  it('coalesces in the order the events happened, not by their wall times (the clock set back two hours mid-burst)', () => {
    const back = EVENT.at - 2 * 3600_000;
    const burst: Transition[] = [
      { at: EVENT.at, device: 'eth1', event: 'draining', cause: 'before the clock was set' },
      { at: back, device: 'eth1', event: 'recovering', cause: 'after' },
      { at: back + 3000, device: 'eth1', event: 'up', cause: 'after, later' },
    ];
    expect(coalesce(burst).map((e) => `${e.event} ${e.cause}`)).toEqual(['up after, later']);
    expect(coalesce(burst.slice(0, 2)).map((e) => e.event)).toEqual(['recovering']);
  });

  it('runs what run-parts would: executables with plain names, owned by root, not writable by others', () => {
    script('20-webhook', 'true');
    script('10-mail', 'true');
    script('30-old.dpkg-old', 'true');
    script('40-notexec', 'true', 0o644);
    script('50-loose', 'true', 0o775);
    const warnings: string[] = [];
    expect(listHooks(DIR, (t) => warnings.push(t)).map((p) => p.slice(DIR.length + 1))).toEqual(['10-mail', '20-webhook']);
    expect(warnings).toEqual([`${DIR}/50-loose: writable by group or others: not run`]);
    expect(listHooks(join(DIR, 'absent'), () => undefined)).toEqual([]);
  });

  it('gives a hook the event in its environment and as JSON on stdin', async () => {
    const out = join(DIR, 'heard');
    const hook = script('recorder', `printf '%s|%s|%s|%s\\n' "$UPLINK_LB_EVENT" "$UPLINK_LB_DEVICE" "$UPLINK_LB_CAUSE" "$UPLINK_LB_TIME" > ${out}; cat >> ${out}`);
    expect(await runEventHook(hook, EVENT, 5000)).toMatchObject({ result: 'ok' });
    const [env = '', json = ''] = readFileSync(out, 'utf8').split('\n');
    expect(env).toBe('draining|eth1|3 failed rounds in a row|2026-11-27T12:00:00.000Z');
    expect(JSON.parse(json)).toEqual({ version: 1, event: 'draining', device: 'eth1', cause: '3 failed rounds in a row', at: EVENT.at, time: '2026-11-27T12:00:00.000Z' });
  });

  it('reports a failing hook with its exit status and last line of stderr', async () => {
    const hook = script('failing', 'echo "smtp: connection refused" >&2; exit 3');
    expect(await runEventHook(hook, EVENT, 5000)).toMatchObject({ result: 'failed', detail: 'exit 3: smtp: connection refused' });
  });

  it('stops a hook that hangs at the timeout, with what it started', async () => {
    const pidFile = join(DIR, 'child.pid');
    const hook = script('hanging', `sleep 60 & echo $! > ${pidFile}; wait`);
    const outcome = await runEventHook(hook, EVENT, 300);
    expect(outcome).toMatchObject({ result: 'timeout', detail: 'stopped after 0.3 s' });
    expect(outcome.ms).toBeLessThan(2500);
    const child = readFileSync(pidFile, 'utf8').trim();
    // the sleep it started went with it (its process group got the signal)
    await new Promise((r) => setTimeout(r, 200));
    expect(existsSync(`/proc/${child}`) && !readFileSync(`/proc/${child}/stat`, 'utf8').includes(') Z ')).toBe(false);
  });
});
