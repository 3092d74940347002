// One line per change: to syslog (tag uplink-lb) and to stderr when a person is watching.
import { LOGGER } from '../paths.js';
import { run } from './run.js';

export class Log {
  private readonly lines: { priority: string; text: string }[] = [];
  constructor(private readonly toStderr: boolean) {}

  toStderrEnabled(): boolean {
    return this.toStderr;
  }

  private add(priority: string, text: string): void {
    this.lines.push({ priority, text });
    if (this.toStderr) process.stderr.write(`uplink-lb: ${text}\n`);
  }

  info(text: string): void {
    this.add('user.notice', text);
  }

  /** A warning already given since the last flush is not repeated (a reconcile reads the
   *  kernel, leases and health record twice: before applying and to verify). */
  warn(text: string): void {
    if (this.lines.some((l) => l.priority === 'user.warning' && l.text === text)) return;
    this.add('user.warning', text);
  }

  error(text: string): void {
    this.add('user.err', text);
  }

  /** Sends what was logged to syslog, one logger run per priority. Syslog being absent is not an error. */
  flush(): void {
    for (const priority of ['user.err', 'user.warning', 'user.notice']) {
      const texts = this.lines.filter((l) => l.priority === priority).map((l) => l.text);
      if (texts.length === 0) continue;
      try {
        run([LOGGER, '-t', 'uplink-lb', '-p', priority], texts.join('\n') + '\n');
      } catch {
        // no logger or no syslog: stderr already has it when someone is watching
      }
    }
    this.lines.length = 0;
  }
}
