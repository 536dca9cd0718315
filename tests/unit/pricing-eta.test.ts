import { describe, expect, it } from "vitest";
import { formatDuration, secondsLeft } from "@/lib/tasks/eta";
import { chargeText } from "@/lib/generation/charge";
import { estimateCost, formatCredits, reservedCredits } from "@/lib/generation/pricing";
import { PRICE_PER_SECOND } from "@/lib/evolink/contract";

describe("estimateCost", () => {
  it("720p × 5 s = 40.5 credits, $0.56", () => {
    expect(estimateCost("720p", 5)).toEqual({ seconds: 5, credits: 40.5, usd: 0.56, creditsPerSecond: 8.1 });
  });

  it("1080p × 10 s = 108.054 credits, $1.50", () => {
    expect(estimateCost("1080p", 10)).toEqual({ seconds: 10, credits: 108.054, usd: 1.5, creditsPerSecond: 10.8054 });
  });

  it("720p × 3 s and 1080p × 3 s at the lower bound", () => {
    expect(estimateCost("720p", 3).credits).toBe(24.3);
    expect(estimateCost("720p", 3).usd).toBe(0.336);
    expect(estimateCost("1080p", 3).credits).toBe(32.4162);
    expect(estimateCost("1080p", 3).usd).toBe(0.45);
  });

  it("has no floating-point noise (8.1 × 7 is not 56.699999…)", () => {
    expect(estimateCost("720p", 7).credits).toBe(56.7);
    expect(estimateCost("720p", 7).usd).toBe(0.784);
  });

  it("bills whole seconds", () => {
    expect(estimateCost("720p", 4.6).seconds).toBe(5);
    expect(estimateCost("720p", 4.4)).toMatchObject({ seconds: 4, credits: 32.4 });
  });

  it("costs nothing for 0 s (the form's invalid state)", () => {
    expect(estimateCost("1080p", 0)).toMatchObject({ seconds: 0, credits: 0, usd: 0 });
  });

  it("1080p costs 1.334 × 720p per second (CONTRACT.md, Prices)", () => {
    expect(PRICE_PER_SECOND["1080p"].credits / PRICE_PER_SECOND["720p"].credits).toBeCloseTo(1.334, 6);
  });
});

describe("reservedCredits", () => {
  it.each([7, 40.5, 108.054, 0, 1000])("passes a credit amount (%s) through", (value) => {
    expect(reservedCredits(value)).toBe(value);
  });

  it.each([
    [405_000, 40.5],
    [270_000, 27],
    [1_080_540, 108.054],
    [243_000, 24.3],
  ])("converts %i UC to %s credits", (uc, credits) => {
    expect(reservedCredits(uc)).toBe(credits);
  });
});

describe("formatCredits", () => {
  it("shows at most two decimals with thousands separators", () => {
    expect(formatCredits(108.054)).toBe("108.05");
    expect(formatCredits(40.5)).toBe("40.5");
    expect(formatCredits(1234)).toBe("1,234");
  });
});

describe("secondsLeft", () => {
  it("extrapolates from progress: 25% after 30 s leaves 90 s", () => {
    expect(secondsLeft({ progress: 25, elapsedSeconds: 30, estimatedSeconds: 300 })).toBe(90);
  });

  it("extrapolates from progress: 50% after 40 s leaves 40 s, regardless of the estimate", () => {
    expect(secondsLeft({ progress: 50, elapsedSeconds: 40, estimatedSeconds: null })).toBe(40);
    expect(secondsLeft({ progress: 50, elapsedSeconds: 40, estimatedSeconds: 9999 })).toBe(40);
  });

  it("rounds to whole seconds", () => {
    // 10 × 67 / 33 = 20.30…
    expect(secondsLeft({ progress: 33, elapsedSeconds: 10, estimatedSeconds: null })).toBe(20);
  });

  it("uses the estimate while progress is below 5%", () => {
    expect(secondsLeft({ progress: 4, elapsedSeconds: 20, estimatedSeconds: 300 })).toBe(280);
    expect(secondsLeft({ progress: 0, elapsedSeconds: 0, estimatedSeconds: 300 })).toBe(300);
  });

  it("uses the estimate when no time has elapsed yet", () => {
    expect(secondsLeft({ progress: 50, elapsedSeconds: 0, estimatedSeconds: 120 })).toBe(120);
  });

  it("clamps at 0 once the estimate is overrun", () => {
    expect(secondsLeft({ progress: 0, elapsedSeconds: 400, estimatedSeconds: 300 })).toBe(0);
  });

  it("is null with neither usable progress nor an estimate", () => {
    expect(secondsLeft({ progress: 0, elapsedSeconds: 12, estimatedSeconds: null })).toBeNull();
    expect(secondsLeft({ progress: 3, elapsedSeconds: 12, estimatedSeconds: null })).toBeNull();
  });

  it("goes to 1 s, then 0 s, near completion", () => {
    expect(secondsLeft({ progress: 99, elapsedSeconds: 60, estimatedSeconds: null })).toBe(1);
    expect(secondsLeft({ progress: 99.9, elapsedSeconds: 1, estimatedSeconds: null })).toBe(0);
  });
});

describe("formatDuration", () => {
  it.each([
    [0, "0:00"],
    [5, "0:05"],
    [59, "0:59"],
    [60, "1:00"],
    [65, "1:05"],
    [599, "9:59"],
    [3600, "60:00"],
    [59.6, "1:00"],
    [12.4, "0:12"],
    [-5, "0:00"],
  ])("%s s → %s", (seconds, text) => {
    expect(formatDuration(seconds)).toBe(text);
  });
});

describe("chargeText", () => {
  it("says Reserved while the task runs", () => {
    expect(chargeText("queued", 40.5)).toBe("Reserved 40.5 credits");
    expect(chargeText("generating", 108.054)).toBe("Reserved 108.05 credits");
  });

  it("says Charged once completed", () => {
    expect(chargeText("completed", 40.5)).toBe("Charged 40.5 credits");
  });

  it("says Not charged for a failed task, whatever was reserved (CONTRACT.md, Errors)", () => {
    expect(chargeText("failed", 40.5)).toBe("Not charged");
    expect(chargeText("failed", null)).toBe("Not charged");
  });

  it("says nothing when the upstream reported no amount", () => {
    expect(chargeText("completed", null)).toBeNull();
    expect(chargeText("generating", null)).toBeNull();
  });

  it("shows a per-second rate at two decimals", () => {
    expect(formatCredits(estimateCost("1080p", 5).creditsPerSecond)).toBe("10.81");
    // The total comes from the exact rate, as billed: 5 × 10.8054 = 54.027, not 5 × 10.81.
    expect(formatCredits(estimateCost("1080p", 5).credits)).toBe("54.03");
  });
});
