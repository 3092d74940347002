// A burst of events becomes what a hook should hear: per uplink only its last state (an
// uplink that drained and came back within the burst reports where it ended, once), the last
// fail-open change, and one rolled-back apply. The events come in the order they happened (the
// spool's, by the monotonic clock): their wall times, which a clock set back would misorder,
// only label them. Pure.
import type { Transition } from '../state/transitions.js';

export function coalesce(events: readonly Transition[]): Transition[] {
  const last = new Map<string, Transition>();
  for (const event of events) {
    const key = event.device !== undefined ? `uplink ${event.device}` : event.event.startsWith('fail-open') ? 'fail-open' : event.event;
    // a later event of the same key takes its place at the end: the result is in the order of
    // each key's last event
    last.delete(key);
    last.set(key, event);
  }
  return [...last.values()];
}
