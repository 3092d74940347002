// A burst of events becomes what a hook should hear: per uplink only its last state (an
// uplink that drained and came back within the burst reports where it ended, once), the last
// fail-open change, and one rolled-back apply. Pure.
import type { Transition } from '../state/transitions.js';

export function coalesce(events: readonly Transition[]): Transition[] {
  const last = new Map<string, Transition>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    const key = event.device !== undefined ? `uplink ${event.device}` : event.event.startsWith('fail-open') ? 'fail-open' : event.event;
    last.set(key, event);
  }
  return [...last.values()].sort((a, b) => a.at - b.at);
}
