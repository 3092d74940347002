// A DHCPv6 client hook's delegated prefixes, recorded under the run directory (state/prefix6.ts):
// dhclient -6 -P passes one as new_ip6_prefix; dhcpcd as new_dhcp6_ia_pd1_prefix1 with its
// length in new_dhcp6_ia_pd1_prefix1_length (and prefix2, ... and ia_pd2, ...). A prefix that is
// not one is reported and left out; none at all removes the record.
import { prefix6 } from '../config/ipv6.js';
import { removeDelegation, writeDelegation, type Delegation } from '../state/prefix6.js';
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

/** The delegated prefixes in a hook's environment, canonical, and what was left out and why. */
export function delegationFromEnv(env: Env, source: Delegation['source']): { prefixes: string[]; problems: string[] } {
  const prefixes: string[] = [];
  const problems: string[] = [];
  for (const text of named(env, source)) {
    const checked = prefix6(text);
    if ('value' in checked) prefixes.push(`${checked.value.network}/${checked.value.length}`);
    else problems.push(`delegated prefix ${JSON.stringify(text)} ${checked.problem}; left out`);
  }
  return { prefixes, problems };
}

export function recordDelegationFromEnv(device: string, env: Env, source: Delegation['source'], log: Log): void {
  const reason = env.reason ?? '';
  const { prefixes, problems } = delegationFromEnv(env, source);
  for (const problem of problems) log.warn(`${source} ${device} ${reason}: ${problem}`);
  if (prefixes.length === 0) removeDelegation(device);
  else writeDelegation({ device, prefixes, reason, source });
}
