// The resolvers a client hook names (dhclient's and dhcpcd's new_domain_name_servers, pppd's
// DNS1 and DNS2): IPv4 host addresses, each once, in order; anything else is left out and said,
// prefixed with who said it.
import { hostAddress } from '../config/ipv4.js';
import type { Log } from '../util/log.js';

export function resolversFromEnv(texts: readonly (string | undefined)[], who: string, log: Log): string[] {
  const resolvers: string[] = [];
  for (const text of texts) {
    if (text === undefined || text === '') continue;
    const address = hostAddress(text);
    if ('value' in address) {
      if (!resolvers.includes(address.value)) resolvers.push(address.value);
    } else log.warn(`${who}: resolver ${JSON.stringify(text)} ${address.problem}; left out`);
  }
  return resolvers;
}
