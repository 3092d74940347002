// Weights for a weighted choice among uplinks (the default route's nexthops, a policy's tier).

/** The weights with each uplink's share applied (a degraded uplink keeps a share of its
 *  weight). While any share is below 1, all are scaled up (up to 4 times, within `max`) so that
 *  the share can be expressed even for weight 1; every uplink keeps at least 1. */
export function scaledWeights(weights: readonly number[], shares: readonly number[], max: number): number[] {
  if (shares.every((f) => f === 1)) return [...weights];
  const scale = Math.max(1, Math.min(4, Math.floor(max / Math.max(...weights))));
  return weights.map((w, i) => Math.max(1, Math.round(w * scale * (shares[i] ?? 1))));
}
