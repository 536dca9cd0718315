import { readFileSync, statSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { POST as sign } from "@/app/api/uploads/direct/route";
import { POST as complete } from "@/app/api/uploads/direct/complete/route";
import { bucket as configuredBucket } from "@/lib/server/storage";
import { REFERENCE_LINK_SECONDS, sweepDirectUploads } from "@/lib/server/uploads/direct";
import { ensureFixture } from "../fixtures/media-fixtures";
import { startBucket, type RunningBucket } from "../helpers/bucket";

// References sent by the browser straight to the bucket: signed for the announced size and type, checked on
// "complete" from range reads, removed with the catalog's reason when they break a rule. s3rver does not enforce
// what a presigned PUT signs (it checks no SigV4 signature), so every rule here is the studio's own check.

let bucket: RunningBucket;
const saved = { ...process.env };

beforeAll(async () => {
  bucket = await startBucket();
});

beforeEach(() => {
  process.env = { ...saved, ...bucket.env("unit/direct") };
});

afterAll(async () => {
  process.env = saved;
  await bucket.stop();
});

const post = (route: (request: Request) => Promise<Response>, path: string, body: unknown) =>
  route(
    new Request(`http://127.0.0.1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", Host: "127.0.0.1" },
      body: JSON.stringify(body),
    }),
  );

interface Signed {
  key: string;
  uploadUrl: string;
  headers: Record<string, string>;
}

async function signFor(kind: "video" | "image", size: number, type: string): Promise<Signed> {
  const answer = await post(sign, "/api/uploads/direct", { kind, size, type });
  expect(answer.status).toBe(201);
  return (await answer.json()) as Signed;
}

/** What the browser does: PUT the bytes to the signed link with the signed type. */
async function put(signed: Signed, bytes: Buffer): Promise<Response> {
  return fetch(signed.uploadUrl, { method: "PUT", headers: signed.headers, body: new Uint8Array(bytes) });
}

async function finish(key: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await post(complete, "/api/uploads/direct/complete", { key, name: "clip.mp4" });
  return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
}

const errorCode = (body: Record<string, unknown>) => (body.error as { code: string; detail?: string }).code;
const objectExists = async (key: string) => (await configuredBucket()?.size(key)) !== null;

describe("direct uploads: the happy path", () => {
  it("a good video goes to the bucket, passes its checks from range reads and gets a link for Evolink", async () => {
    const file = ensureFixture("goodMp4");
    const bytes = readFileSync(file);
    const signed = await signFor("video", bytes.length, "video/mp4");
    expect(signed.key).toMatch(/^uploads\/incoming\/[0-9a-f-]{36}-video-\d+\.mp4$/);
    expect(signed.uploadUrl).toContain("X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost");
    expect((await put(signed, bytes)).status).toBe(200);
    const { status, body } = await finish(signed.key);
    expect(status).toBe(201);
    expect(body.facts).toMatchObject({ container: "mp4", width: 1280, height: 720 });
    const link = new URL(String(body.fileUrl));
    // Lives at least 24 h (72 h, like a file-service link), and points at the checked copy, not the incoming one.
    expect(Number(link.searchParams.get("X-Amz-Expires"))).toBe(REFERENCE_LINK_SECONDS);
    expect(REFERENCE_LINK_SECONDS).toBeGreaterThanOrEqual(24 * 3600);
    expect(link.pathname).toMatch(/\/unit\/direct\/uploads\/ready\/[0-9a-f-]{36}\.mp4$/);
    expect(await objectExists(signed.key)).toBe(false);
    const downloaded = await fetch(link);
    expect(Buffer.from(await downloaded.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it("an image is checked the same way", async () => {
    const bytes = readFileSync(ensureFixture("imagePng"));
    const signed = await signFor("image", bytes.length, "image/png");
    await put(signed, bytes);
    const { status, body } = await finish(signed.key);
    expect(status).toBe(201);
    expect(body.facts).toMatchObject({ type: "png", width: 800, height: 600 });
  });

  it("the video cap is the API's 200 MB, not the file service's 100 MB", async () => {
    expect(
      (await post(sign, "/api/uploads/direct", { kind: "video", size: 150 * 1024 * 1024, type: "video/mp4" })).status,
    ).toBe(201);
    const over = await post(sign, "/api/uploads/direct", { kind: "video", size: 201 * 1024 * 1024, type: "video/mp4" });
    expect(over.status).toBe(413);
    expect(errorCode((await over.json()) as Record<string, unknown>)).toBe("upload_too_large");
  });
});

describe("direct uploads: what is refused, and removed", () => {
  it("a file larger than announced: 413, the object removed", async () => {
    const bytes = readFileSync(ensureFixture("goodMp4"));
    const signed = await signFor("video", bytes.length - 1000, "video/mp4");
    await put(signed, bytes);
    expect(await objectExists(signed.key)).toBe(true);
    const { status, body } = await finish(signed.key);
    expect(status).toBe(413);
    expect(errorCode(body)).toBe("upload_too_large");
    expect(await objectExists(signed.key)).toBe(false);
  });

  it("another type than announced (a PNG sent as an MP4): 415, the object removed", async () => {
    const bytes = readFileSync(ensureFixture("imagePng"));
    const signed = await signFor("video", bytes.length, "video/mp4");
    await put(signed, bytes);
    const { status, body } = await finish(signed.key);
    expect(status).toBe(415);
    expect(errorCode(body)).toBe("unsupported_file_type");
    expect(await objectExists(signed.key)).toBe(false);
  });

  it("an MP4 announced as a QuickTime movie: 415 from its first bytes, though it would pass every rule", async () => {
    const bytes = readFileSync(ensureFixture("goodMp4"));
    const signed = await signFor("video", bytes.length, "video/quicktime");
    await put(signed, bytes);
    const { status, body } = await finish(signed.key);
    expect(status).toBe(415);
    expect((body.error as { detail: string }).detail).toMatch(
      /announced as video\/quicktime, but its first bytes are video\/mp4/,
    );
    expect(await objectExists(signed.key)).toBe(false);
  });

  it("a video that breaks a model rule: 422 with the same words as a received upload, the object removed", async () => {
    const file = ensureFixture("shortClip");
    const signed = await signFor("video", statSync(file).size, "video/mp4");
    await put(signed, readFileSync(file));
    const { status, body } = await finish(signed.key);
    expect(status).toBe(422);
    expect(errorCode(body)).toBe("media_rule_violation");
    expect((body.error as { detail: string }).detail).toMatch(/at least 3/);
    expect(await objectExists(signed.key)).toBe(false);
  });

  it("an announced type that is not a reference type, or of the other kind, is refused before signing", async () => {
    for (const announced of [
      { kind: "video", size: 10, type: "application/zip" },
      { kind: "image", size: 10, type: "video/mp4" },
    ]) {
      const answer = await post(sign, "/api/uploads/direct", announced);
      expect(answer.status).toBe(415);
    }
    expect((await post(sign, "/api/uploads/direct", { kind: "video", size: 0, type: "video/mp4" })).status).toBe(400);
  });

  it("never sent: completing says so; never completed: the sweep removes it once its link is dead", async () => {
    const bytes = readFileSync(ensureFixture("goodMov"));
    const unsent = await signFor("video", bytes.length, "video/quicktime");
    const { status, body } = await finish(unsent.key);
    expect(status).toBe(400);
    expect(errorCode(body)).toBe("upload_interrupted");
    const abandoned = await signFor("video", bytes.length, "video/quicktime");
    await put(abandoned, bytes);
    const store = configuredBucket();
    if (!store) throw new Error("expected a bucket");
    await sweepDirectUploads(store);
    expect(await objectExists(abandoned.key)).toBe(true);
    await sweepDirectUploads(store, Date.now() + 31 * 60_000);
    expect(await objectExists(abandoned.key)).toBe(false);
  });

  it("a forged upload name is refused, and nothing is read for it", async () => {
    for (const key of [
      "uploads/ready/00000000-0000-0000-0000-000000000000.mp4",
      "../../etc/passwd",
      "uploads/incoming/00000000-0000-0000-0000-000000000000-image-10.mp4",
    ]) {
      const { status, body } = await finish(key);
      expect(status).toBe(400);
      expect(errorCode(body)).toBe("upload_not_issued");
    }
  });
});

describe("direct uploads: links the bucket refuses", () => {
  it("an expired upload link is refused by the bucket", async () => {
    const store = configuredBucket();
    if (!store) throw new Error("expected a bucket");
    const link = await store.uploadLink("uploads/incoming/expired", 4, "video/mp4", 1);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const answer = await fetch(link, { method: "PUT", headers: { "Content-Type": "video/mp4" }, body: "abcd" });
    expect(answer.status).toBe(403);
    expect(await answer.text()).toMatch(/expired/i);
  });

  it("a link forged with another access key is refused", async () => {
    const store = configuredBucket();
    if (!store) throw new Error("expected a bucket");
    const link = (await store.link("uploads/ready/x.mp4", 60)).replace(
      /X-Amz-Credential=S3RVER/,
      "X-Amz-Credential=FORGED",
    );
    expect((await fetch(link)).status).toBe(403);
  });
});

describe("direct uploads: the bucket's faults", () => {
  it("unreachable: the upload is refused before anything is sent, with the reason", async () => {
    process.env.AWS_ENDPOINT_URL_S3 = "http://127.0.0.1:5799";
    const answer = await post(sign, "/api/uploads/direct", { kind: "image", size: 1000, type: "image/png" });
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as { error: { code: string; detail: string } };
    expect(body.error.code).toBe("storage_unavailable");
    expect(body.error.detail).toBe("Why: the object storage could not be reached.");
  });

  it("refusing the credentials: refused with that reason", async () => {
    process.env.AWS_ACCESS_KEY_ID = "REVOKED";
    const answer = await post(sign, "/api/uploads/direct", { kind: "image", size: 1000, type: "image/png" });
    expect(answer.status).toBe(503);
    const body = (await answer.json()) as { error: { detail: string } };
    expect(body.error.detail).toMatch(/refused the studio's credentials/);
  });

  it("without STORAGE_URL the direct routes do not exist (uploads go through /api/uploads)", async () => {
    delete process.env.STORAGE_URL;
    const answer = await post(sign, "/api/uploads/direct", { kind: "image", size: 1000, type: "image/png" });
    expect(answer.status).toBe(404);
  });
});
