// A DHCPv6 client hook's delegated prefixes, recorded under the run directory (state/prefix6.ts).
// dhcpcd names every prefix at each event, as new_dhcp6_ia_pd1_prefix1 with its length in
// new_dhcp6_ia_pd1_prefix1_length (and prefix2, ... and ia_pd2, ...): the record is what it
// names, and none at all removes it. dhclient -6 -P runs its script once per prefix
// (new_ip6_prefix, old_ip6_prefix, new_max_life): seen on the rig when the ISP moved the prefix,
// a renewal ran it for the new prefix, then for the old one with lifetime 0, then DEPREF6 and
// EXPIRE6 for the old one; so each run changes only the prefix it names. A prefix that is not
// one is reported and left out.
import { prefix6 } from '../config/ipv6.js';
import { readDelegations, removeDelegation, writeDelegation, type Delegation } from '../state/prefix6.js';
import type { Log } from '../util/log.js';
import type { Env } from './context.js';

/** The prefixes the environment names, as "PREFIX/LEN" texts (not yet checked). */
function named(env: Env, source: Delegation['source']): string[] {
  if (source === 'dhclient') return env.new_ip6_prefix ? [env.new_ip6_prefix] : [];
  const out: string[] = [];
  for (let ia = 1; env[`new_dhcp6_ia_pd${ia}_iaid`] !== undefined || env[`new_dhcp6_ia_pd${ia}_prefix1`] !== undefined; ia++) {
    for (let n = 1; env[`new_dhcp6_ia_pd${ia}_prefix${n}`] !== undefined; n++) {
      out.push(`${env[`new_dhcp6_ia_pd${ia}_prefix${n}`] ?? ''}/${env[`new_dhcp6_ia_pd${ia}_prefix${n}_length`] ?? ''}`);
    }
  }
  return out;
}

/** One prefix a hook named, canonical ("PREFIX/LEN"), or why it is left out. */
function delegatedPrefix(text: string): { prefix: string } | { problem: string } {
  const checked = prefix6(text);
  return 'value' in checked ? { prefix: `${checked.value.network}/${checked.value.length}` } : { problem: `delegated prefix ${JSON.stringify(text)} ${checked.problem}; left out` };
}

/** The delegated prefixes in a hook's environment, canonical, and what was left out and why. */
export function delegationFromEnv(env: Env, source: Delegation['source']): { prefixes: string[]; problems: string[] } {
  const checked = named(env, source).map(delegatedPrefix);
  return { prefixes: checked.flatMap((c) => ('prefix' in c ? [c.prefix] : [])), problems: checked.flatMap((c) => ('problem' in c ? [c.problem] : [])) };
}

export function recordDelegationFromEnv(device: string, env: Env, source: Delegation['source'], log: Log): void {
  const reason = env.reason ?? '';
  const { prefixes, problems } = delegationFromEnv(env, source);
  for (const problem of problems) log.warn(`${source} ${device} ${reason}: ${problem}`);
  if (prefixes.length === 0) removeDelegation(device);
  else writeDelegation({ device, prefixes, reason, source });
}

/** dhclient -6's reasons: a lease (with -P, a prefix of it) bound or renewed, or gone. */
export const BOUND6: ReadonlySet<string> = new Set(['BOUND6', 'RENEW6', 'REBIND6', 'REBOOT6']);
export const GONE6: ReadonlySet<string> = new Set(['EXPIRE6', 'RELEASE6', 'STOP6']);

/** The delegated prefixes after one run of dhclient -6's script, from those recorded before:
 *  a bound or renewed prefix is added (in place of old_ip6_prefix when that differs), one with
 *  a valid lifetime of 0 removed; an expiry, release or stop removes the prefix it names, or
 *  every one when it names none. An event that names no prefix (an address-only lease, DEPREF6)
 *  changes nothing. Pure. */
export function nextDhclientDelegation(current: readonly string[], env: Env): { prefixes: string[]; problems: string[] } {
  const reason = env.reason ?? '';
  const named6 = [env.new_ip6_prefix, env.old_ip6_prefix].map((text) => (text ? delegatedPrefix(text) : undefined));
  const [fresh, old] = named6.map((c): string | undefined => (c && 'prefix' in c ? c.prefix : undefined));
  const problems = named6.flatMap((c): string[] => (c && 'problem' in c ? [c.problem] : []));
  if (BOUND6.has(reason) && fresh) {
    const kept = current.filter((p) => p !== fresh && p !== old);
    return { prefixes: env.new_max_life === '0' ? kept : [...kept, fresh], problems };
  }
  if (GONE6.has(reason)) return { prefixes: old ? current.filter((p) => p !== old) : [], problems };
  return { prefixes: [...current], problems };
}

/** Records what one run of dhclient -6's script changed (nextDhclientDelegation). */
export function recordDhclientDelegation(device: string, env: Env, log: Log): void {
  const reason = env.reason ?? '';
  const current = readDelegations([device], (text) => log.warn(text)).get(device) ?? [];
  const { prefixes, problems } = nextDhclientDelegation(current, env);
  for (const problem of problems) log.warn(`dhclient ${device} ${reason}: ${problem}`);
  if (prefixes.length === 0) removeDelegation(device);
  else if (prefixes.join() !== current.join() || BOUND6.has(reason)) writeDelegation({ device, prefixes, reason, source: 'dhclient' });
}
