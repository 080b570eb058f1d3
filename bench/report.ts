/** Median of a sample (the mean of the middle two for an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Nearest-rank percentile: with 7 samples p90 is the slowest, which is what a tail means at that size. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** Prints a markdown table; numbers are already formatted by the caller. */
export function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  console.log(`\n### ${title}\n`);
  console.log(`| ${headers.join(' | ')} |`);
  console.log(
    `|${headers.map((h, i) => (i === 0 ? ' --- ' : ` ${'-'.repeat(Math.max(3, h.length - 1))}:`)).join('|')}|`,
  );
  for (const row of rows) console.log(`| ${row.join(' | ')} |`);
}

/** `x0.69` style ratio of a measurement to the baseline measured in the same run. */
export function ratio(value: number, baseline: number): string {
  return `x${(value / baseline).toFixed(2)}`;
}
