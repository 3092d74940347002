// CONNECTION_PINNING, PIN and HASH_POLICY.
import type { RawValues } from './collect.js';
import { networkPrefix } from './ipv4.js';
import { bad, ok, type Result } from '../util/result.js';
import { printable } from './checkers.js';
import type { Validator } from './validator.js';
import type { Pin } from './types.js';

export interface PinningSettings {
  pinning: boolean;
  pins: Pin[];
  hashPolicy?: 'l3' | 'l4';
}


/** One PIN entry: "[NETWORK] [tcp|udp:PORT] DEVICE [strict]". */
function parsePin(text: string, devices: readonly (string | undefined)[]): Result<Pin> {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const pin: Partial<Pin> & { text: string; strict: boolean } = { text, strict: false };
  for (const token of tokens) {
    const port = /^(tcp|udp):(\d{1,5})$/.exec(token);
    const deviceIndex = devices.indexOf(token);
    if (token === 'strict') pin.strict = true;
    else if (port?.[1] && port[2]) {
      if (pin.port !== undefined) return bad(`${printable(text)} names two ports`);
      if (Number(port[2]) < 1 || Number(port[2]) > 65535) return bad(`${printable(text)}: port ${port[2]} is out of range`);
      pin.protocol = port[1] as 'tcp' | 'udp';
      pin.port = Number(port[2]);
    } else if (deviceIndex >= 0) {
      if (pin.uplink !== undefined) return bad(`${printable(text)} names two uplinks`);
      pin.uplink = deviceIndex;
    } else if (/^[\d./]+$/.test(token)) {
      if (pin.destination !== undefined) return bad(`${printable(text)} names two destinations`);
      const destination = networkPrefix(token);
      if ('problem' in destination) return bad(`${printable(token)} ${destination.problem}`);
      pin.destination = destination.value;
    } else {
      return bad(`${printable(text)}: ${printable(token)} is not a network, tcp:PORT/udp:PORT, an uplink of IFACE_DEVICE, or strict`);
    }
  }
  if (pin.uplink === undefined) return bad(`${printable(text)} names no uplink (one of IFACE_DEVICE)`);
  if (pin.destination === undefined && pin.port === undefined) return bad(`${printable(text)} names neither a destination nor a port: it would pin everything`);
  return ok(pin as Pin);
}

export function validatePinning(v: Validator, raw: RawValues, devices: readonly (string | undefined)[]): PinningSettings {
  const settings: PinningSettings = { pinning: true, pins: [] };
  const pinning = raw.CONNECTION_PINNING?.values[0];
  if (pinning !== undefined) {
    if (pinning === 'yes' || pinning === 'no') settings.pinning = pinning === 'yes';
    else v.report('CONNECTION_PINNING', `CONNECTION_PINNING: ${printable(pinning)} is not yes or no`);
  }
  const policy = raw.HASH_POLICY?.values[0];
  if (policy !== undefined) {
    if (policy === 'l3' || policy === 'l4') settings.hashPolicy = policy;
    else v.report('HASH_POLICY', `HASH_POLICY: ${printable(policy)} is not l3 (one uplink per client and server) or l4 (per connection)`);
  }
  for (const [i, text] of (raw.PIN?.values ?? []).entries()) {
    const pin = parsePin(text, devices);
    if ('problem' in pin) v.report('PIN', `PIN[${i}]: ${pin.problem}`);
    else settings.pins.push(pin.value);
  }
  if (settings.pins.length > 0 && !settings.pinning) v.report('PIN', 'PIN needs CONNECTION_PINNING=yes (pins are nftables marks)');
  return settings;
}
