import { statSync } from "node:fs";
import { ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { expect, test } from "@playwright/test";
import { processTree, treeReadBytes } from "../bench/lib/proc";
import { ensureFixture } from "../fixtures/media-fixtures";
import { BUCKET_KEYS, startBucket, type RunningBucket } from "../helpers/bucket";
import { cardFor, fileInput, uniqueTag } from "./helpers";
import { BUCKET_PORTS, freePort, removeArtifactDirs, Stack } from "./stack";

// A studio with STORAGE_URL against s3rver: a 150 MB reference video goes from the browser straight to the bucket
// (the studio's own read counter shows it carried none of it), a generation is given its presigned link, and the
// result plays through the redirect to the bucket, seeking with Range. s3rver listens on plain http on loopback,
// which the form's public-https rule refuses for a link given to Evolink, so the links for Evolink are signed for
// STORAGE_PUBLIC_ENDPOINT (an address the simulator never fetches: it only checks links of its own file host).

const PUBLIC_ENDPOINT = "https://media.example.com";
let bucket: RunningBucket;
let stack: Stack;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  ensureFixture("padded150mb");
  bucket = await startBucket({ port: await freePort(BUCKET_PORTS), corsOrigin: "*" });
  stack = await Stack.start({
    name: "object-storage",
    taskSeconds: 3,
    appEnv: { ...bucket.env("e2e"), STORAGE_PUBLIC_ENDPOINT: PUBLIC_ENDPOINT },
  });
});

test.afterAll(async () => {
  await stack?.stop();
  await bucket?.stop();
  removeArtifactDirs({ keep: test.info().status !== "passed" });
});

test("a 150 MB reference goes straight to the bucket, a generation uses its link, the result seeks through the redirect", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const file = ensureFixture("padded150mb");
  const size = statSync(file).size;
  const appOrigin = stack.appUrl;
  const sentToStudio: number[] = [];
  page.on("request", (request) => {
    if (request.url().startsWith(appOrigin)) sentToStudio.push(request.postDataBuffer()?.length ?? 0);
  });
  const bucketAnswers: number[] = [];
  page.on("response", (response) => {
    if (response.url().startsWith(bucket.endpoint)) bucketAnswers.push(response.status());
  });

  await page.goto(`${appOrigin}/`);
  const studio = processTree(stack.app!.pid);
  const readBefore = treeReadBytes(studio);
  await fileInput(page, "referenceVideo").setInputFiles(file);
  await expect(page.getByTestId("video-reference").getByTestId("upload-done")).toBeVisible({ timeout: 120_000 });
  const studioRead = treeReadBytes(processTree(stack.app!.pid)) - readBefore;

  // The bytes went to the bucket: the checked copy is there, whole; the studio read a few MiB of it at most
  // (range reads of the box headers and the index, and its own files), and the page sent it small JSON only.
  const s3 = new S3Client({
    endpoint: bucket.endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: BUCKET_KEYS,
  });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket.bucket, Prefix: "e2e/uploads/ready/" }));
  expect(listed.Contents?.map((item) => item.Size)).toEqual([size]);
  expect(studioRead).toBeLessThan(16 * 1024 * 1024);
  expect(Math.max(...sentToStudio)).toBeLessThan(4096);
  console.log(
    `studio read ${(studioRead / 1048576).toFixed(1)} MiB while ${(size / 1e6).toFixed(0)} MB went to the bucket`,
  );

  const tag = uniqueTag("bucket");
  await page.getByLabel("Prompt", { exact: true }).fill(`<<<video_1>>> a lighthouse in fog ${tag}`);
  await page.getByRole("button", { name: "Generate" }).click();
  const card = cardFor(page, tag);
  await expect(card.getByTestId("task-status")).toHaveText("Completed", { timeout: 30_000 });
  const create = (await stack.simLog()).creates.find((entry) => entry.body?.prompt?.includes(tag));
  const videoUrl = new URL(String((create?.body as { video_url?: string } | null)?.video_url));
  expect(videoUrl.origin).toBe(PUBLIC_ENDPOINT);
  expect(videoUrl.pathname).toMatch(/^\/studio-test\/e2e\/uploads\/ready\/[0-9a-f-]{36}\.mp4$/);
  expect(Number(videoUrl.searchParams.get("X-Amz-Expires"))).toBeGreaterThanOrEqual(24 * 3600);

  // Once archived, the preview is a redirect to the bucket; the page plays and seeks from there.
  const taskId = await card.getAttribute("data-task-id");
  await expect
    .poll(async () => (await fetch(`${appOrigin}/api/tasks/${taskId}/video`, { redirect: "manual" })).status, {
      timeout: 30_000,
    })
    .toBe(302);
  await page.reload();
  const reloaded = cardFor(page, tag);
  // A finished card mounted again shows its poster first; Play puts the video in its place.
  const play = reloaded.getByRole("button", { name: "Play" });
  await reloaded.getByTestId("task-video").or(play).first().waitFor();
  if (await play.isVisible()) await play.click();
  const video = reloaded.getByTestId("task-video");
  await video.scrollIntoViewIfNeeded();
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.readyState), { timeout: 15_000 })
    .toBeGreaterThanOrEqual(1);
  await video.evaluate((v: HTMLVideoElement) => {
    v.currentTime = 3.5;
  });
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.seeking), { timeout: 10_000 }).toBe(false);
  expect(bucketAnswers).toContain(206);
  expect(await video.evaluate((v: HTMLVideoElement) => v.currentSrc)).toContain(`/api/tasks/${taskId}/video`);
});
