import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { fixturePath } from "../fixtures/media-fixtures";
import { APP_PORTS, Stack, freePort, removeArtifactDirs, spawnApp } from "./stack";

// The data-folder lock and the limits on stalled uploads, against real `next start` servers with their own stacks.
test.describe.configure({ mode: "parallel", timeout: 120_000 });

test.afterEach(async ({}, testInfo) => {
  removeArtifactDirs({ keep: testInfo.status !== testInfo.expectedStatus });
});

const modeOf = (file: string) => statSync(file).mode & 0o777;
const filesUnder = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => entry.name);

async function uploadImage(appUrl: string): Promise<Response> {
  const form = new FormData();
  form.append("file", new Blob([readFileSync(fixturePath("imagePng"))], { type: "image/png" }), "board.png");
  return fetch(`${appUrl}/api/uploads?kind=image`, {
    method: "POST",
    body: form,
    headers: { "Sec-Fetch-Site": "same-origin" },
  });
}

test("a second studio on the same data folder refuses to start and names it; the first keeps serving; a crash frees the folder", async () => {
  const stack = await Stack.start({ name: "lock" });
  try {
    expect((await uploadImage(stack.appUrl)).status).toBe(201);
    const port = await freePort(APP_PORTS);
    const second = spawnApp("second studio", port, {
      EVOLINK_API_KEY: "",
      DATA_DIR: stack.dataDir,
      UPLOAD_TMP_DIR: stack.uploadDir,
    });
    try {
      const outcome = await Promise.race([
        second.exited,
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 45_000)),
      ]);
      expect(outcome, `the second studio should have exited:\n${second.log}`).not.toBeNull();
      expect(outcome?.code, second.log).not.toBe(0);
      expect(second.log).toContain(`Another studio is already running on the data folder ${stack.dataDir}`);
      expect(second.log).toContain("give this one its own DATA_DIR");
    } finally {
      await second.kill();
    }
    expect((await fetch(`${stack.appUrl}/api/tasks`)).status).toBe(200);

    // Everything the studio wrote is the owner's alone.
    for (const name of ["studio.sqlite", "studio.sqlite-wal", "studio.sqlite-shm", "studio.lock"]) {
      expect([name, modeOf(path.join(stack.dataDir, name))]).toEqual([name, 0o600]);
    }
    const [spool] = readdirSync(stack.uploadDir);
    expect(spool).toMatch(/^\d+-[0-9a-f]{12}$/);
    expect(modeOf(path.join(stack.uploadDir, spool!))).toBe(0o700);

    // A crash leaves its spool folder behind (with a file a killed upload would leave), and one of an older studio;
    // the next start sweeps both, and the operating system has already dropped the dead studio's lock.
    writeFileSync(path.join(stack.uploadDir, spool!, "killed-upload.part"), "half a file");
    const older = path.join(stack.uploadDir, "999999-0123456789ab");
    mkdirSync(older);
    writeFileSync(path.join(older, "older.part"), "x");
    await stack.stopApp("SIGKILL");
    await stack.startApp();
    expect(readdirSync(stack.uploadDir)).toEqual([]);
    expect((await uploadImage(stack.appUrl)).status).toBe(201);
    expect(readdirSync(stack.uploadDir)).toHaveLength(1);
  } finally {
    await stack.stop();
  }
});

/** Opens an upload that sends its headers, the multipart head and 1 MB of a real MP4, then nothing. */
function stalledUpload(port: number): { socket: net.Socket; answer: Promise<string> } {
  const boundary = "----stalled-upload-boundary";
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const socket = net.connect(port, "127.0.0.1");
  let received = "";
  const answer = new Promise<string>((resolve) => {
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      if (received.includes("\r\n\r\n") && received.includes("}")) resolve(received);
    });
    socket.on("close", () => resolve(received));
    socket.on("error", () => resolve(received));
  });
  socket.write(
    `POST /api/uploads?kind=video HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nSec-Fetch-Site: same-origin\r\n` +
      `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${3 * 1024 * 1024}\r\n\r\n`,
  );
  socket.write(Buffer.concat([head, readFileSync(fixturePath("goodMp4")).subarray(0, 1024 * 1024)]));
  return { socket, answer };
}

test("stalled uploads are capped per client, dropped after the idle timeout with their slots and files freed, and others are served meanwhile", async () => {
  const stack = await Stack.start({
    name: "stall",
    appEnv: {
      UPLOAD_IDLE_TIMEOUT_MS: "3000",
      UPLOAD_MAX_CONCURRENT_PER_CLIENT: "3",
      RATE_LIMIT_UPLOAD_PER_MIN: "1000",
    },
  });
  const stalled: ReturnType<typeof stalledUpload>[] = [];
  try {
    const storedBefore = (await stack.simLog()) as unknown as { uploads: unknown[] };
    for (let i = 0; i < 3; i += 1) stalled.push(stalledUpload(stack.appPort));
    // All three are being received (the file service upload has started for each) before the fourth arrives.
    await expect.poll(() => filesUnder(stack.uploadDir).length, { timeout: 10_000 }).toBe(3);

    const refused = await uploadImage(stack.appUrl);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("too_many_uploads");

    const startedAt = Date.now();
    expect((await fetch(`${stack.appUrl}/api/tasks`)).status).toBe(200);
    expect(Date.now() - startedAt).toBeLessThan(2_000);

    const answers = await Promise.all(stalled.map(({ answer }) => answer));
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('"code":"upload_stalled"');
    }
    expect(filesUnder(stack.uploadDir)).toEqual([]);
    const storedAfter = (await stack.simLog()) as unknown as {
      uploads: Array<{ status: number; fileName: string | null }>;
    };
    expect(
      storedAfter.uploads.slice(storedBefore.uploads.length).filter((entry) => entry.fileName?.endsWith(".mp4")),
    ).toEqual([]);

    // The slots are free again.
    expect((await uploadImage(stack.appUrl)).status).toBe(201);
  } finally {
    for (const { socket } of stalled) socket.destroy();
    await stack.stop();
  }
});
