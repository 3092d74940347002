// The counts a fair binomial draw stays within but for a given share of runs: what the
// statistical checks of the end-to-end tests allow, so that each states its false-failure rate.

/** P(X = k) for X ~ Binomial(n, p), through logarithms (n in the thousands stays finite). */
function pmf(n: number, p: number, k: number): number {
  let log = k * Math.log(p) + (n - k) * Math.log(1 - p);
  for (let i = 1; i <= k; i++) log += Math.log(n - k + i) - Math.log(i);
  return Math.exp(log);
}

/** The smallest [low, high] with P(X < low) and P(X > high) each at most `rate` / 2. */
export function binomialRange(n: number, p: number, rate: number): [number, number] {
  let low = 0;
  for (let below = 0; low < n && below + pmf(n, p, low) <= rate / 2; low++) below += pmf(n, p, low);
  let high = n;
  for (let above = 0; high > 0 && above + pmf(n, p, high) <= rate / 2; high--) above += pmf(n, p, high);
  return [low, high];
}
