// Changes and differences as one line of text for logs, errors and status.
import type { Change } from './diff.js';

/** What changes: "route", or "IPv6 route" (an IPv4 and an IPv6 route print alike). */
function what(change: Change): string {
  return change.what !== 'nft table' && change.family === 'inet6' ? `IPv6 ${change.what}` : change.what;
}

export function describeChange(change: Change): string {
  return `${change.action} ${what(change)} ${change.text}${change.was ? ` (was: ${change.was})` : ''}`;
}

/** A difference between what should be and what is, naming both sides. */
export function describeDifference(change: Change, should = 'wanted'): string {
  if (change.action === 'add') return `missing: ${what(change)} ${change.text} (${should}; found nothing)`;
  if (change.action === 'delete') return `unexpected: ${what(change)} ${change.text} (found; not ${should})`;
  return `different: ${what(change)} ${should}: ${change.text}; found: ${change.was ?? '?'}`;
}

/** At most `limit` lines, the rest counted in one more: a plan that clears a table of a
 *  former configuration may hold thousands of changes, which must not flood syslog. */
export function capLines(lines: readonly string[], limit: number): string[] {
  if (lines.length <= limit) return [...lines];
  return [...lines.slice(0, limit), `... and ${lines.length - limit} more`];
}
