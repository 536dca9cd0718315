// Plain JavaScript so the isolated probe's child process (probe-child.mjs) can run it with node as it is,
// outside the bundler; the browser and the server's TypeScript import the same code (types in .d.mts).
import { Input, MP4, QTFF } from "mediabunny";

/**
 * Reads container facts with a real demuxer (mediabunny): MP4/MOV by content, duration, display size,
 * the average frame rate over the first 240 packets, and the codec string.
 */
export async function readVideoFacts(source) {
  const input = new Input({ source, formats: [MP4, QTFF] });
  try {
    if (!(await input.canRead().catch(() => false))) return { kind: "type" };
    const format = await input.getFormat();
    const track = await input.getPrimaryVideoTrack();
    if (!track) return { kind: "no-track" };
    const [durationSeconds, stats, codec] = await Promise.all([
      input.computeDuration(),
      track.computePacketStats(240),
      track.getCodecParameterString().catch(() => null),
    ]);
    return {
      kind: "facts",
      facts: {
        container: format === QTFF ? "mov" : "mp4",
        durationSeconds,
        width: track.displayWidth,
        height: track.displayHeight,
        fps: stats.averagePacketRate,
        codec,
      },
    };
  } finally {
    input.dispose();
  }
}
