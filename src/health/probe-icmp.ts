// ICMP echo through one uplink: ping(8) from the uplink's own address (so its `from` rule picks
// its table and gateway), COUNT probes spread over the first half of the timeout, stopped
// with SIGINT at the timeout (ping then prints its statistics and exits).
import { spawn } from 'node:child_process';
import { PING } from '../paths.js';
import type { TargetResult } from './machine.js';

export function parsePingOutput(target: string, output: string): TargetResult {
  const counts = /(\d+) packets transmitted, (\d+) received/.exec(output);
  // rtt min/avg/max/mdev = 0.082/0.148/0.210/0.052 ms
  const rtt = /= [\d.]+\/([\d.]+)\/[\d.]+\/([\d.]+) ms/.exec(output);
  if (!counts?.[1] || !counts[2]) {
    const error = output.split('\n').find((l) => l.trim() !== '')?.trim() ?? 'no output';
    return { target, sent: 0, received: 0, rttMs: null, error };
  }
  const result: TargetResult = { target, sent: Number(counts[1]), received: Number(counts[2]), rttMs: rtt?.[1] ? Number(rtt[1]) : null };
  if (rtt?.[2] && result.received >= 2) result.jitterMs = Number(rtt[2]);
  return result;
}

export function pingThrough(source: string, target: string, count: number, timeoutSeconds: number): Promise<TargetResult> {
  const interval = Math.max(0.01, timeoutSeconds / (2 * count)).toFixed(3);
  const args = ['-n', '-q', '-c', String(count), '-i', interval, '-W', String(timeoutSeconds), '-I', source, target];
  return new Promise((resolve) => {
    let output = '';
    const child = spawn(PING, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' } });
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGINT'), timeoutSeconds * 1000);
    // a ping that ignores SIGINT must not hold the round
    const hardStop = setTimeout(() => child.kill('SIGKILL'), timeoutSeconds * 1000 + 500);
    child.on('error', (err) => {
      clearTimeout(timer);
      clearTimeout(hardStop);
      resolve({ target, sent: 0, received: 0, rttMs: null, error: `${PING}: ${err.message}` });
    });
    child.on('close', () => {
      clearTimeout(timer);
      clearTimeout(hardStop);
      resolve(parsePingOutput(target, output));
    });
  });
}
