// POLICY: traffic policies, each "[from NET] [in IFACE] [to NET] [tcp|udp[:PORT[-PORT]]]
// use UPLINK[:WEIGHT]... [then UPLINK[:WEIGHT]...]... [strict]".
import type { RawValues } from './collect.js';
import { networkPrefix } from './ipv4.js';
import { prefix6 } from './ipv6.js';
import { bad, ok, type Result } from '../util/result.js';
import { checkDevice, printable } from './checkers.js';
import type { Validator } from './validator.js';
import type { Policy, PolicyMatch, PolicyMember } from './types.js';

/** A member's weight: its share of the tier's new connections (nftables draws among the sum). */
const MAX_POLICY_WEIGHT = 100;

const PORTS = /^(tcp|udp)(?::(\d{1,5})(?:-(\d{1,5}))?)?$/;
const MEMBER = /^([^:]+)(?::(\d{1,3}))?$/;

function parseProtocol(token: string, match: PolicyMatch): string | undefined {
  const m = PORTS.exec(token);
  if (!m) return `${printable(token)} is not from NET, in IFACE, to NET, tcp, udp, tcp:PORT, udp:FIRST-LAST or use (a policy reads: [from NET] [in IFACE] [to NET] [tcp|udp[:PORT]] use UPLINK[:WEIGHT]... [then UPLINK...]... [strict])`;
  if (match.protocol) return 'names two protocols';
  match.protocol = m[1] as 'tcp' | 'udp';
  if (m[2] === undefined) return undefined;
  const first = Number(m[2]);
  const last = m[3] === undefined ? first : Number(m[3]);
  if (first < 1 || last > 65535 || first > last) return `${printable(token)}: ports go from 1 to 65535, the first of a range no higher than the last`;
  match.ports = [first, last];
  return undefined;
}

function parseMatch(word: 'from' | 'to' | 'in', value: string | undefined, match: PolicyMatch, devices: readonly (string | undefined)[]): string | undefined {
  if (value === undefined || ['from', 'to', 'in', 'use', 'then', 'strict'].includes(value)) return `"${word}" needs ${word === 'in' ? 'an interface' : 'a network or host'} after it`;
  if (match[word] !== undefined) return `names "${word}" twice`;
  if (word === 'in') {
    const device = checkDevice(value);
    if ('problem' in device) return `in: ${device.problem}`;
    if (devices.includes(value)) return `in ${value}: ${value} is an uplink; a policy steers what leaves through the uplinks (what arrives through one is answered through it)`;
    match.in = value;
    return undefined;
  }
  const network = value.includes(':') ? networkPrefix6(value) : networkPrefix(value);
  if ('problem' in network) return `${word}: ${printable(value)} ${network.problem}`;
  match[word] = network.value;
  return undefined;
}

/** An IPv6 network or host ("ADDRESS/LEN", or an address: its /128), canonical. */
function networkPrefix6(value: string): Result<string> {
  const checked = prefix6(value.includes('/') ? value : `${value}/128`);
  return 'value' in checked ? ok(`${checked.value.network}/${checked.value.length}`) : bad(`${checked.problem.replace('is not an IPv6 prefix (address/len)', 'is not an IPv6 network (address/len) or address')}`);
}

/** A policy of IPv6 traffic: its networks are IPv6 ones (translated mode carries it). */
export const ipv6Policy = (policy: Policy): boolean => [policy.match.from, policy.match.to].some((n) => n?.includes(':') === true);

function parseMember(token: string, devices: readonly (string | undefined)[], seen: Set<number>): Result<PolicyMember> {
  const m = MEMBER.exec(token);
  const uplink = m?.[1] === undefined ? -1 : devices.indexOf(m[1]);
  if (!m || uplink < 0) return bad(`${printable(token)} is not an uplink of IFACE_DEVICE (UPLINK or UPLINK:WEIGHT), "then" or "strict"`);
  const weight = m[2] === undefined ? 1 : Number(m[2]);
  if (weight < 1 || weight > MAX_POLICY_WEIGHT) return bad(`${printable(token)}: a weight goes from 1 to ${MAX_POLICY_WEIGHT}`);
  if (seen.has(uplink)) return bad(`names ${m[1]} twice`);
  seen.add(uplink);
  return ok({ uplink, weight });
}

/** One POLICY entry. */
export function parsePolicy(text: string, name: string, devices: readonly (string | undefined)[]): Result<Policy> {
  const tokens = text.split(/\s+/).filter((t) => t !== '');
  const match: PolicyMatch = {};
  const tiers: PolicyMember[][] = [];
  const seen = new Set<number>();
  let strict = false;
  let i = 0;
  const fail = (problem: string): Result<Policy> => bad(`${printable(text)}: ${problem}`);
  for (; i < tokens.length && tokens[i] !== 'use'; i++) {
    const token = tokens[i] as string;
    const problem = token === 'from' || token === 'to' || token === 'in' ? parseMatch(token, tokens[++i], match, devices) : parseProtocol(token, match);
    if (problem) return fail(problem);
  }
  if (i >= tokens.length) return fail('names no uplinks: add "use UPLINK", e.g. use eth1 then eth2');
  let tier: PolicyMember[] = [];
  for (i++; i < tokens.length; i++) {
    const token = tokens[i] as string;
    if (token === 'strict') strict = true;
    else if (token === 'then') {
      if (tier.length === 0) return fail('"then" must follow an uplink');
      tiers.push(tier);
      tier = [];
    } else {
      const member = parseMember(token, devices, seen);
      if ('problem' in member) return fail(member.problem);
      tier.push(member.value);
    }
  }
  if (tier.length === 0) return fail(tiers.length === 0 ? '"use" names no uplink' : '"then" must be followed by an uplink');
  tiers.push(tier);
  if (Object.keys(match).length === 0) return fail('matches every connection: name from, in, to or a protocol (the default route, IFACE_WEI and IFACE_TIER decide for the rest)');
  if (match.from !== undefined && match.to !== undefined && match.from.includes(':') !== match.to.includes(':')) return fail(`from ${match.from} and to ${match.to} are of different address families`);
  return ok({ match, tiers, strict, name, text });
}

export function validatePolicies(v: Validator, raw: RawValues, devices: readonly (string | undefined)[], pinning: boolean): Policy[] {
  const policies: Policy[] = [];
  for (const [i, text] of (raw.POLICY?.values ?? []).entries()) {
    const policy = parsePolicy(text, `POLICY[${i}]`, devices);
    if ('problem' in policy) v.report('POLICY', `POLICY[${i}]: ${policy.problem}`);
    else policies.push(policy.value);
  }
  if (policies.length > 0 && !pinning) v.report('POLICY', 'POLICY needs CONNECTION_PINNING=yes (policies are nftables marks)');
  return policies;
}
