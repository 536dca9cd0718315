/**
 * Number crunching for the benchmark: medians and spreads over repetitions, percentiles over samples,
 * paired proxy/direct ratios and differences, and target checks. Pure functions, unit-tested.
 */

/** A figure measured once per repetition: its median and the min–max spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
  samples: number[];
}

function finite(values: readonly number[]): number[] {
  return values.filter((value) => Number.isFinite(value));
}

/** Median of the finite values (mean of the middle two for an even count); NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The p-th percentile (0–100) with linear interpolation between closest ranks (the "R-7"/Excel method,
 * so p50 equals the median); NaN when there are no finite values.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0–100, got ${p}`);
  const sorted = finite(values).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

/** Median and min–max of one figure over repetitions (non-finite samples are kept but ignored). */
export function summarize(samples: readonly number[]): Summary {
  const usable = finite(samples);
  return {
    median: median(usable),
    min: usable.length ? Math.min(...usable) : Number.NaN,
    max: usable.length ? Math.max(...usable) : Number.NaN,
    n: usable.length,
    samples: [...samples],
  };
}

function paired(proxy: readonly number[], direct: readonly number[]): void {
  if (proxy.length !== direct.length) {
    throw new RangeError(`paired figures need as many proxy as direct samples (${proxy.length} vs ${direct.length})`);
  }
}

/** proxy/direct for each repetition (measured back to back in the same run); NaN where direct is 0. */
export function pairedRatios(proxy: readonly number[], direct: readonly number[]): number[] {
  paired(proxy, direct);
  return proxy.map((value, i) => {
    const base = direct[i] as number;
    return base === 0 ? Number.NaN : value / base;
  });
}

/** proxy − direct for each repetition: what going through the studio adds. */
export function pairedDeltas(proxy: readonly number[], direct: readonly number[]): number[] {
  paired(proxy, direct);
  return proxy.map((value, i) => value - (direct[i] as number));
}

export const MB = 1024 * 1024;

/** Throughput in MiB/s; NaN for a non-positive duration. */
export function mibPerSecond(bytes: number, milliseconds: number): number {
  return milliseconds > 0 ? bytes / MB / (milliseconds / 1000) : Number.NaN;
}

/**
 * Upstream calls per task per poll interval over a window: count × interval / window. A server that
 * polls at most once per interval cannot exceed 1 over a window it counted between two snapshots.
 */
export function callsPerInterval(calls: number, windowMs: number, intervalMs: number): number {
  return windowMs > 0 ? (calls * intervalMs) / windowMs : Number.NaN;
}

/** A target: the judged figure must be at least / at most `value`. */
export interface Target {
  op: ">=" | "<=";
  value: number;
}

/** Whether a figure meets its target; a non-finite figure never does. */
export function meets(value: number, target: Target): boolean {
  if (!Number.isFinite(value)) return false;
  return target.op === ">=" ? value >= target.value : value <= target.value;
}

/** A small seeded PRNG (mulberry32), so Range reads are reproducible from the seed in the report. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A single HTTP byte range with its expected inclusive bounds within a file of `size` bytes. */
export interface ByteRange {
  header: string;
  start: number;
  end: number;
}

/**
 * `count` Range requests over a file of `size` bytes: the first byte, the last byte, a suffix range, an
 * open-ended range, then random spans of 1 byte to `maxSpan` bytes (clamped to the end of the file).
 */
export function randomRanges(size: number, count: number, random: () => number, maxSpan = 4 * MB): ByteRange[] {
  if (size <= 0) throw new RangeError("the file is empty");
  const ranges: ByteRange[] = [
    { header: "bytes=0-0", start: 0, end: 0 },
    { header: `bytes=${size - 1}-${size - 1}`, start: size - 1, end: size - 1 },
    { header: `bytes=-${Math.min(size, 1000)}`, start: size - Math.min(size, 1000), end: size - 1 },
    { header: `bytes=${Math.max(0, size - 70_000)}-`, start: Math.max(0, size - 70_000), end: size - 1 },
  ].slice(0, Math.max(0, count));
  while (ranges.length < count) {
    const start = Math.floor(random() * size);
    const span = 1 + Math.floor(random() * Math.min(maxSpan, size));
    const end = Math.min(size - 1, start + span - 1);
    ranges.push({ header: `bytes=${start}-${end}`, start, end });
  }
  return ranges;
}
