import { ASPECT_RATIOS, type AspectRatio } from "../evolink/contract";

/**
 * A picture's shape as a person reads it, against 1 the way the image rule's bounds are written: 300×1200 is
 * "1:4", 780×300 "2.6:1", a square "1:1".
 */
export function aspectLabel(width: number, height: number): string {
  const ratio = (long: number, short: number) => Number((long / short).toFixed(2)).toString();
  return width >= height ? `${ratio(width, height)}:1` : `1:${ratio(height, width)}`;
}

/** The output aspect ratio closest to a video's shape (compared as log-ratios, so 2:1 is as far from 1:1 as 1:2). */
export function nearestAspectRatio(width: number, height: number): AspectRatio {
  const shape = Math.log(width / height);
  const distance = (ratio: AspectRatio) => {
    const [w = 1, h = 1] = ratio.split(":").map(Number);
    return Math.abs(Math.log(w / h) - shape);
  };
  return ASPECT_RATIOS.reduce((best, ratio) => (distance(ratio) < distance(best) ? ratio : best));
}
