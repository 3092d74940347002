// What `conntrackd -s` says of the synchronisation: the dedicated link's device and the packets
// received on it (the peer's messages, FTFW's alive messages among them: about one a second on
// an idle pair, measured), and its send and receive errors. Pure.
import { bad, ok, type Result } from '../util/result.js';

export interface SyncStats {
  device: string;
  received: number;
  errors: number;
}

export function parseConntrackdStats(text: string): Result<SyncStats> {
  const block = /^(?:UDP|Multicast|TCP) traffic \(active device=([^)\s]+)\):\n\s*\d+ Bytes sent\s+\d+ Bytes recv\n\s*\d+ Pckts sent\s+(\d+) Pckts recv\n\s*(\d+) Error send\s+(\d+) Error recv/m.exec(text);
  if (!block) return bad('names no active synchronisation link (no "traffic (active device=...)" block)');
  const [, device = '', received = '0', sendErrors = '0', receiveErrors = '0'] = block;
  return ok({ device, received: Number(received), errors: Number(sendErrors) + Number(receiveErrors) });
}

/** The protocols conntrackd could not name (`getprotobyname() cannot find protocol `tcp' in
 *  /etc/protocols`, on its standard error when it reads its configuration): without
 *  /etc/protocols (Debian's netbase, left out of a minimal root) the `Protocol Accept` filter
 *  lets no connection through, and the peers exchange only their alive messages. */
export function unknownProtocols(stderr: string): string[] {
  return [...stderr.matchAll(/cannot find protocol `([^']+)'/g)].map((m) => m[1] ?? '');
}
