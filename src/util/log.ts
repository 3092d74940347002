// One line per change: to syslog (tag uplink-lb) and to stderr when a person is watching. A
// line about an uplink's state carries the uplink and the event as structured fields when
// journald is there (logger --journald), and is a plain syslog line otherwise.
import { existsSync } from 'node:fs';
import { JOURNAL_SOCKET, LOGGER } from '../paths.js';
import { run } from './run.js';

/** What a line is about, for journald (UPLINK_LB_DEVICE, UPLINK_LB_EVENT). */
export interface LogFields {
  device?: string;
  event: string;
}

type Priority = 'user.err' | 'user.warning' | 'user.notice';
const NUMBER: Record<Priority, number> = { 'user.err': 3, 'user.warning': 4, 'user.notice': 5 };

export class Log {
  private readonly lines: { priority: Priority; text: string; fields?: LogFields }[] = [];
  constructor(private readonly toStderr: boolean) {}

  toStderrEnabled(): boolean {
    return this.toStderr;
  }

  private add(priority: Priority, text: string, fields?: LogFields): void {
    this.lines.push(fields ? { priority, text, fields } : { priority, text });
    if (this.toStderr) process.stderr.write(`uplink-lb: ${text}\n`);
  }

  info(text: string, fields?: LogFields): void {
    this.add('user.notice', text, fields);
  }

  /** A warning already given since the last flush is not repeated (a reconcile reads the
   *  kernel, leases and health record twice: before applying and to verify). */
  warn(text: string, fields?: LogFields): void {
    if (this.lines.some((l) => l.priority === 'user.warning' && l.text === text)) return;
    this.add('user.warning', text, fields);
  }

  error(text: string, fields?: LogFields): void {
    this.add('user.err', text, fields);
  }

  /** Sends what was logged: lines with fields one journald entry each (when journald runs),
   *  the rest one logger run per priority. Syslog being absent is not an error. */
  flush(): void {
    const journald = this.lines.some((l) => l.fields) && existsSync(JOURNAL_SOCKET);
    const plain: typeof this.lines = [];
    for (const line of this.lines) {
      const structured = journald && line.fields !== undefined && !line.text.includes('\n') && this.toJournal(line.text, line.priority, line.fields);
      if (!structured) plain.push(line);
    }
    try {
      for (const priority of ['user.err', 'user.warning', 'user.notice'] as const) {
        const texts = plain.filter((l) => l.priority === priority).map((l) => l.text);
        if (texts.length > 0) run([LOGGER, '-t', 'uplink-lb', '-p', priority], texts.join('\n') + '\n');
      }
    } catch {
      // no logger or no syslog: stderr already has it when someone is watching
    }
    this.lines.length = 0;
  }

  /** One journald entry with the fields; false when logger or journald refused it (the line
   *  then goes the plain way). */
  private toJournal(text: string, priority: Priority, fields: LogFields): boolean {
    const entry = [`MESSAGE=${text}`, `PRIORITY=${NUMBER[priority]}`, 'SYSLOG_IDENTIFIER=uplink-lb', `UPLINK_LB_EVENT=${fields.event}`];
    if (fields.device) entry.push(`UPLINK_LB_DEVICE=${fields.device}`);
    try {
      return run([LOGGER, '--journald'], `${entry.join('\n')}\n`).status === 0;
    } catch {
      return false;
    }
  }
}
