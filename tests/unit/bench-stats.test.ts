import { describe, expect, it } from "vitest";
import {
  callsPerInterval,
  meets,
  median,
  mibPerSecond,
  pairedDeltas,
  pairedRatios,
  percentile,
  randomRanges,
  seededRandom,
  summarize,
} from "../bench/lib/stats";

describe("bench ratio maths", () => {
  it("takes the median of odd and even counts, ignoring non-finite values", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([5, Number.NaN, 1, Number.POSITIVE_INFINITY, 3])).toBe(3);
    expect(median([])).toBeNaN();
  });

  it("interpolates percentiles between ranks, p50 being the median", () => {
    const values = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100];
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 50)).toBe(median(values));
    expect(percentile(values, 95)).toBeCloseTo(95.5, 10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(values, 101)).toThrow(RangeError);
  });

  it("summarises repetitions as median and min–max", () => {
    expect(summarize([0.9, 0.7, 0.8])).toEqual({ median: 0.8, min: 0.7, max: 0.9, n: 3, samples: [0.9, 0.7, 0.8] });
    const withGap = summarize([1, Number.NaN]);
    expect(withGap.n).toBe(1);
    expect(withGap.median).toBe(1);
    expect(summarize([]).min).toBeNaN();
  });

  it("pairs proxy and direct figures per repetition", () => {
    expect(pairedRatios([50, 90], [100, 100])).toEqual([0.5, 0.9]);
    expect(pairedRatios([1], [0])[0]).toBeNaN();
    expect(pairedDeltas([3.5, 2], [1, 2.5])).toEqual([2.5, -0.5]);
    expect(() => pairedRatios([1, 2], [1])).toThrow(/as many/);
  });

  it("the ratio of medians is not the median of paired ratios", () => {
    const proxy = [100, 50, 80];
    const direct = [100, 100, 200];
    expect(summarize(pairedRatios(proxy, direct)).median).toBe(0.5);
    expect(median(proxy) / median(direct)).toBe(0.8);
  });

  it("converts bytes and milliseconds to MiB/s", () => {
    expect(mibPerSecond(200 * 1024 * 1024, 2000)).toBe(100);
    expect(mibPerSecond(1, 0)).toBeNaN();
  });

  it("counts upstream calls per poll interval over a window", () => {
    expect(callsPerInterval(30, 30_000, 1000)).toBe(1);
    expect(callsPerInterval(15, 30_000, 1000)).toBe(0.5);
    expect(callsPerInterval(3000, 30_000, 1000)).toBe(100);
    expect(callsPerInterval(1, 0, 1000)).toBeNaN();
  });

  it("checks targets in both directions and never passes a non-finite figure", () => {
    expect(meets(0.8, { op: ">=", value: 0.8 })).toBe(true);
    expect(meets(0.79, { op: ">=", value: 0.8 })).toBe(false);
    expect(meets(64, { op: "<=", value: 64 })).toBe(true);
    expect(meets(64.1, { op: "<=", value: 64 })).toBe(false);
    expect(meets(Number.NaN, { op: "<=", value: 64 })).toBe(false);
  });
});

describe("bench Range reads", () => {
  it("is reproducible from its seed", () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
    expect(seededRandom(43)()).not.toBe(first[0]);
  });

  it("covers the edges, then random spans, all inside the file", () => {
    const size = 10_000_000;
    const ranges = randomRanges(size, 50, seededRandom(7), 1_000_000);
    expect(ranges).toHaveLength(50);
    expect(ranges.slice(0, 4).map((r) => r.header)).toEqual([
      "bytes=0-0",
      `bytes=${size - 1}-${size - 1}`,
      "bytes=-1000",
      `bytes=${size - 70_000}-`,
    ]);
    for (const range of ranges) {
      expect(range.start).toBeGreaterThanOrEqual(0);
      expect(range.end).toBeLessThan(size);
      expect(range.end).toBeGreaterThanOrEqual(range.start);
      expect(range.end - range.start + 1).toBeLessThanOrEqual(1_000_000);
    }
    expect(ranges[2]).toMatchObject({ start: size - 1000, end: size - 1 });
    for (const range of ranges.slice(4)) expect(range.header).toBe(`bytes=${range.start}-${range.end}`);
  });

  it("clamps to tiny files", () => {
    const ranges = randomRanges(10, 6, seededRandom(1));
    expect(ranges[2]).toMatchObject({ header: "bytes=-10", start: 0, end: 9 });
    expect(ranges[3]).toMatchObject({ header: "bytes=0-", start: 0, end: 9 });
    expect(() => randomRanges(0, 1, seededRandom(1))).toThrow();
  });
});
