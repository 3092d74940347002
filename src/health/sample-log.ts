// The probes of one target kept for the quality window: what a prober records and the judge
// reads (window.ts). Times are on the monotonic clock (util/clock.ts).
import type { Sample, TargetLog } from './window.js';
import { monotonicMs } from '../util/clock.js';

export class SampleLog {
  readonly startedAt = monotonicMs();
  private samples: Sample[] = [];
  private lastAnswerAt: number | undefined;
  private error: string | undefined;

  constructor(
    private readonly target: string,
    /** How long samples are kept, in ms. */
    private readonly keepMs: number,
    /** Answers slower than this count as lost, in ms. */
    private readonly timeoutMs: number,
  ) {}

  /** A probe answered after `rttMs`. `reportedLost` is its sample when it was reported lost
   *  before the answer came (one probe, not two). */
  answered(rttMs: number, reportedLost?: Sample, now = monotonicMs()): Sample {
    this.lastAnswerAt = now;
    this.error = undefined;
    const rtt = rttMs <= this.timeoutMs ? rttMs : null;
    if (reportedLost) {
      reportedLost.rttMs = rtt;
      return reportedLost;
    }
    return this.add({ sentAt: now - rttMs, rttMs: rtt });
  }

  lost(sentAt: number, error?: string): Sample {
    if (error !== undefined) this.error = error;
    return this.add({ sentAt, rttMs: null });
  }

  complain(error: string): void {
    this.error = error;
  }

  private add(sample: Sample): Sample {
    this.samples.push(sample);
    const oldest = monotonicMs() - this.keepMs;
    while ((this.samples[0]?.sentAt ?? oldest) < oldest) this.samples.shift();
    return sample;
  }

  snapshot(): TargetLog {
    const log: TargetLog = { target: this.target, startedAt: this.startedAt, samples: this.samples };
    if (this.lastAnswerAt !== undefined) log.lastAnswerAt = this.lastAnswerAt;
    if (this.error !== undefined) log.error = this.error;
    return log;
  }
}
