// The child process that demuxes one untrusted video for isolated-probe.ts: whatever the file makes the
// demuxer allocate or loop on, only this process (its own heap limit, killed on time) is at stake.
// Run with node as it is: `node probe-child.mjs <file>`; answers one DemuxResult over IPC and exits.
import { FilePathSource } from "mediabunny";
import { readVideoFacts } from "../../media/video-facts.mjs";

const send = (result) => process.send(result, () => process.exit(0));

readVideoFacts(new FilePathSource(process.argv[2])).then(send, () => send({ kind: "error" }));
