// TCP connect through one uplink (for networks that drop ICMP): one connection every interval
// from the uplink's own address; an accepted or refused connection both prove the path works
// (a refusal is an answer from the target).
import { monotonicMs } from '../util/clock.js';
import { connect } from 'node:net';
import { SampleLog } from './sample-log.js';
import type { TargetLog } from './window.js';

export class TcpProber {
  private readonly log: SampleLog;
  private readonly timer: NodeJS.Timeout;
  private readonly open = new Set<ReturnType<typeof connect>>();

  constructor(
    private readonly source: string,
    private readonly target: string,
    private readonly port: number,
    intervalSeconds: number,
    private readonly timeoutSeconds: number,
    keepSeconds: number,
  ) {
    this.log = new SampleLog(`${target}:${port}`, keepSeconds * 1000, timeoutSeconds * 1000);
    this.attempt();
    this.timer = setInterval(() => this.attempt(), intervalSeconds * 1000);
  }

  private attempt(): void {
    const sentAt = monotonicMs();
    const socket = connect({ host: this.target, port: this.port, localAddress: this.source });
    this.open.add(socket);
    const finish = (ok: boolean, error?: string): void => {
      clearTimeout(timer);
      socket.destroy();
      if (!this.open.delete(socket)) return;
      if (ok) this.log.answered(monotonicMs() - sentAt);
      else this.log.lost(sentAt, error);
    };
    const timer = setTimeout(() => finish(false, `no connection within ${this.timeoutSeconds} s`), this.timeoutSeconds * 1000);
    socket.once('connect', () => finish(true));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code === 'ECONNREFUSED', err.code ?? err.message));
  }

  snapshot(): TargetLog {
    return this.log.snapshot();
  }

  stop(): void {
    clearInterval(this.timer);
    for (const socket of this.open) socket.destroy();
    this.open.clear();
  }
}
