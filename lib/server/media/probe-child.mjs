// The child process that demuxes one untrusted video for isolated-probe.ts: whatever the file makes the
// demuxer allocate or loop on, only this process (its own heap limit, killed on time) is at stake.
// Run with node as it is: `node probe-child.mjs <file>`, or with no file as a spare that loads the demuxer first
// and then waits for `{ filePath }` over IPC; either way it answers one DemuxResult over IPC and exits.
import { fileURLToPath } from "node:url";
import { FilePathSource } from "mediabunny";
import { readVideoFacts } from "../../media/video-facts.mjs";

const send = (result) => process.send(result, () => process.exit(0));

const run = (filePath) => readVideoFacts(new FilePathSource(filePath)).then(send, () => send({ kind: "error" }));

if (process.argv[2]) run(process.argv[2]);
else {
  // A spare first reads a tiny bundled clip, so the demuxer's code is loaded and compiled (and its memory
  // already held) before a person's upload waits on it.
  const clip = fileURLToPath(new URL("../../simulator/clips/sample-1x1.mp4", import.meta.url));
  const warm = readVideoFacts(new FilePathSource(clip)).catch(() => undefined);
  process.once("message", ({ filePath }) => warm.then(() => run(filePath)));
  // A spare whose studio has gone has nothing left to do.
  process.once("disconnect", () => process.exit(0));
}
