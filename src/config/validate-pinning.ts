// CONNECTION_PINNING, PIN and HASH_POLICY.
import type { RawValues } from './collect.js';
import { parseIPv4, prefixMask, formatIPv4 } from './ipv4.js';
import { printable } from './checkers.js';
import type { Validator } from './validator.js';
import type { Pin } from './types.js';

export interface PinningSettings {
  pinning: boolean;
  pins: Pin[];
  hashPolicy?: 'l3' | 'l4';
}

/** "192.0.2.0/24", "192.0.2.7" -> canonical network/len, or why not. */
function parseDestination(text: string): string | { problem: string } {
  const [address = '', len = '32', ...rest] = text.split('/');
  const value = parseIPv4(address);
  if (value === undefined || rest.length > 0 || !/^(3[0-2]|[12]?\d)$/.test(len)) return { problem: `${printable(text)} is not an address or network (a.b.c.d/len)` };
  const network = formatIPv4((value & prefixMask(Number(len))) >>> 0);
  if (network !== address) return { problem: `${printable(text)} has host bits set (did you mean ${network}/${len}?)` };
  return `${network}/${len}`;
}

/** One PIN entry: "[NETWORK] [tcp|udp:PORT] DEVICE [strict]". */
export function parsePin(text: string, devices: readonly (string | undefined)[]): Pin | { problem: string } {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const pin: Partial<Pin> & { text: string; strict: boolean } = { text, strict: false };
  for (const token of tokens) {
    const port = /^(tcp|udp):(\d{1,5})$/.exec(token);
    const deviceIndex = devices.indexOf(token);
    if (token === 'strict') pin.strict = true;
    else if (port?.[1] && port[2]) {
      if (pin.port !== undefined) return { problem: `${printable(text)} names two ports` };
      if (Number(port[2]) < 1 || Number(port[2]) > 65535) return { problem: `${printable(text)}: port ${port[2]} is out of range` };
      pin.protocol = port[1] as 'tcp' | 'udp';
      pin.port = Number(port[2]);
    } else if (deviceIndex >= 0) {
      if (pin.uplink !== undefined) return { problem: `${printable(text)} names two uplinks` };
      pin.uplink = deviceIndex;
    } else if (/^[\d./]+$/.test(token)) {
      if (pin.destination !== undefined) return { problem: `${printable(text)} names two destinations` };
      const destination = parseDestination(token);
      if (typeof destination !== 'string') return destination;
      pin.destination = destination;
    } else {
      return { problem: `${printable(text)}: ${printable(token)} is not a network, tcp:PORT/udp:PORT, an uplink of IFACE_DEVICE, or strict` };
    }
  }
  if (pin.uplink === undefined) return { problem: `${printable(text)} names no uplink (one of IFACE_DEVICE)` };
  if (pin.destination === undefined && pin.port === undefined) return { problem: `${printable(text)} names neither a destination nor a port: it would pin everything` };
  return pin as Pin;
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
    else settings.pins.push(pin);
  }
  if (settings.pins.length > 0 && !settings.pinning) v.report('PIN', 'PIN needs CONNECTION_PINNING=yes (pins are nftables marks)');
  return settings;
}
