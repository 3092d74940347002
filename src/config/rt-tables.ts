// Routing table names as iproute2 resolves them (rt_tables and rt_tables.d/*.conf).

/** Parses the text of rt_tables-style files ("NUMBER NAME" lines) into name -> number. */
export function parseTableNames(texts: readonly string[]): Map<string, number> {
  const names = new Map<string, number>();
  for (const text of texts) {
    for (const raw of text.split('\n')) {
      const line = raw.replace(/#.*/, '').trim();
      const match = /^(0x[0-9a-fA-F]+|\d+)\s+(\S+)$/.exec(line);
      if (!match?.[1] || !match[2]) continue;
      if (!names.has(match[2])) names.set(match[2], Number(match[1]));
    }
  }
  return names;
}
