// A line of keepalived's notify FIFO (vrrp_notify_fifo), which keepalived writes in the order
// of its transitions: `GROUP "G1" MASTER`, `INSTANCE "LAN" BACKUP 100`, ... (the type, the
// name in quotes, the new state, and an instance's priority). Pure.

/** The states that decide a router's role; keepalived also tells others (MASTER_RX_LOWER_PRI
 *  of an instance, ...), which change nothing here. */
export type Role = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export interface NotifyLine {
  kind: 'GROUP' | 'INSTANCE';
  name: string;
  state: string;
}

export function parseNotifyLine(line: string): NotifyLine | undefined {
  const m = /^(GROUP|INSTANCE) "([^"]*)" (\S+)(?: \d+)?\s*$/.exec(line);
  if (!m) return undefined;
  const [, kind, name = '', state = ''] = m;
  return { kind: kind === 'GROUP' ? 'GROUP' : 'INSTANCE', name, state };
}

export function roleOf(state: string): Role | undefined {
  return state === 'MASTER' || state === 'BACKUP' || state === 'FAULT' || state === 'STOP' ? state : undefined;
}

/** The role a line gives this router, when it is about the group or instance of HA_VRRP. */
export function roleFrom(line: string, vrrp: string): Role | undefined {
  const parsed = parseNotifyLine(line);
  return parsed && parsed.name === vrrp ? roleOf(parsed.state) : undefined;
}
