import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { APP_PORTS, Spawned, artifactDir, freePort, removeArtifactDirs, waitUntilAnswers } from "./stack";

test.describe.configure({ timeout: 90_000 });
test.afterEach(async ({}, testInfo) => removeArtifactDirs({ keep: testInfo.status !== testInfo.expectedStatus }));

/** Local addresses of the sockets listening on `port`, from the kernel's own tables (IPv4 and IPv6). */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  const addresses: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    for (const line of readFileSync(table, "utf8").split("\n").slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (state !== "0A" || !local?.endsWith(`:${hexPort}`)) continue;
      const hex = local.slice(0, local.indexOf(":"));
      addresses.push(
        hex.length === 8
          ? (hex.match(/../g) ?? [])
              .reverse()
              .map((byte) => parseInt(byte, 16))
              .join(".")
          : hex,
      );
    }
  }
  return addresses;
}

/** The command lines of a process and all its descendants. */
function commandLines(pid: number): string[] {
  const own = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return [own, ...children.flatMap((child) => commandLines(Number(child)))];
}

const LOOPBACK_V6 = "00000000000000000000000001000000";

test("npm start without HOST listens on loopback only, as deployed (with its node flag)", async () => {
  const port = await freePort(APP_PORTS);
  const dir = artifactDir("npm-start");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    DATA_DIR: dir,
    UPLOAD_TMP_DIR: `${dir}/uploads`,
    EVOLINK_API_KEY: "",
  };
  delete env.APP_PASSWORD;
  delete env.HOST;
  // --ignore-scripts skips the prestart build: the suite has built the app already.
  const server = new Spawned("npm start", "npm", ["start", "--ignore-scripts"], env);
  try {
    await waitUntilAnswers(`http://127.0.0.1:${port}/`, server, 60_000);
    const addresses = listeningAddresses(port);
    expect(addresses.length).toBeGreaterThan(0);
    for (const address of addresses)
      expect(address === LOOPBACK_V6 || address.startsWith("127."), `listening on ${address}`).toBe(true);
    expect(commandLines(server.pid).some((line) => line.includes("--heap-growing-percent=200"))).toBe(true);
  } finally {
    await server.kill();
  }
});
