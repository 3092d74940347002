// TCP connect through one uplink (for networks that drop ICMP): COUNT connections from the
// uplink's own address, each given the round's timeout; an accepted or refused connection
// both prove the path works (a refusal is an answer from the target).
import { connect } from 'node:net';
import type { TargetResult } from './machine.js';

function attempt(source: string, target: string, port: number, timeoutSeconds: number): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect({ host: target, port, localAddress: source });
    const finish = (ok: boolean, error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(error ? { ok, ms: performance.now() - started, error } : { ok, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish(false, 'timeout'), timeoutSeconds * 1000);
    socket.once('connect', () => finish(true));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED', err.code ?? err.message));
  });
}

export async function tcpThrough(source: string, target: string, port: number, count: number, timeoutSeconds: number): Promise<TargetResult> {
  const results = await Promise.all(Array.from({ length: count }, () => attempt(source, target, port, timeoutSeconds)));
  const good = results.filter((r) => r.ok);
  const result: TargetResult = {
    target: `${target}:${port}`,
    sent: count,
    received: good.length,
    rttMs: good.length > 0 ? Math.round((good.reduce((a, r) => a + r.ms, 0) / good.length) * 1000) / 1000 : null,
  };
  if (good.length >= 2 && result.rttMs !== null) {
    const mean = result.rttMs;
    result.jitterMs = Math.round((good.reduce((a, r) => a + Math.abs(r.ms - mean), 0) / good.length) * 1000) / 1000;
  }
  const error = results.find((r) => !r.ok)?.error;
  if (good.length === 0 && error) result.error = error;
  return result;
}
