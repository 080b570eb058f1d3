/** How long to wait before try number `attempt` (1-based) after a transient failure. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  // Exponential from 1 s, capped at 30 s, with ±50 % jitter so a crew's phones do not retry in step.
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random()));
}
