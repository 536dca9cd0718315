import "server-only";
import { createReadStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import path from "node:path";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StorageSettings } from "./settings";
import type { ByteRange, ServeOptions, Storage } from "./storage";

type S3Settings = Extract<StorageSettings, { kind: "s3" }>;

// A browser's link to a kept file: long enough to watch a result, short enough not to be worth sharing.
const SERVE_LINK_SECONDS = 15 * 60;

function client(settings: S3Settings, endpoint: string | undefined): S3Client {
  return new S3Client({
    region: settings.region,
    endpoint,
    // R2, MinIO and test servers answer at one address for every bucket.
    forcePathStyle: endpoint !== undefined,
    credentials: settings.credentials,
    // Only what a request needs: no checksum headers a presigned browser upload could not send.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  });
}

export interface ObjectFacts {
  size: number;
  lastModified: Date | undefined;
}

/** An S3-compatible bucket: keys under the configured prefix, bytes streamed both ways. */
export class S3Storage implements Storage {
  readonly kind = "s3";
  readonly client: S3Client;
  /** Signs the links given to Evolink (STORAGE_PUBLIC_ENDPOINT when the bucket has another address outside). */
  private readonly publicClient: S3Client;

  constructor(
    readonly settings: S3Settings,
    private readonly stagingFolder: string,
  ) {
    this.client = client(settings, settings.endpoint);
    this.publicClient = settings.publicEndpoint ? client(settings, settings.publicEndpoint) : this.client;
  }

  /** The bucket's key for a storage key. */
  objectKey(key: string): string {
    return this.settings.prefix ? `${this.settings.prefix}/${key}` : key;
  }

  private object(key: string) {
    return { Bucket: this.settings.bucket, Key: this.objectKey(key) };
  }

  async ready(): Promise<void> {
    await mkdir(this.stagingFolder, { recursive: true, mode: 0o700 });
    // A listing, not a HEAD: its refusal has a body, so the reason (bad key, no bucket) can be named.
    await this.client.send(
      new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: this.objectKey(""), MaxKeys: 1 }),
    );
  }

  stagingPath(key: string): string {
    return path.join(this.stagingFolder, `${key.replaceAll("/", "_")}.part`);
  }

  async keep(file: string, key: string, contentType: string): Promise<void> {
    try {
      await this.put(file, key, contentType);
    } finally {
      await rm(file, { force: true });
    }
  }

  /** Copies a local file to `key`, leaving the file where it is; its size in bytes. */
  async put(file: string, key: string, contentType: string): Promise<number> {
    // One PUT of a known length streams the file straight to the socket: no part buffers (multipart uploads
    // hold each part in memory), and S3's 5 GB single-PUT limit is far above any result or reference.
    const { size } = await stat(file);
    await this.client.send(
      new PutObjectCommand({
        ...this.object(key),
        Body: createReadStream(file),
        ContentLength: size,
        ContentType: contentType,
      }),
    );
    return size;
  }

  /** Size and age of an object, or null when there is none. */
  async facts(key: string): Promise<ObjectFacts | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand(this.object(key)));
      return { size: head.ContentLength ?? 0, lastModified: head.LastModified };
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async size(key: string): Promise<number | null> {
    return (await this.facts(key))?.size ?? null;
  }

  async read(key: string, range?: ByteRange): Promise<ReadableStream<Uint8Array> | null> {
    try {
      const answer = await this.client.send(
        new GetObjectCommand({ ...this.object(key), Range: range ? `bytes=${range.start}-${range.end}` : undefined }),
      );
      return answer.Body?.transformToWebStream() ?? null;
    } catch (error) {
      if (isMissing(error)) return null;
      throw error;
    }
  }

  async remove(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand(this.object(key)));
  }

  async copy(from: string, to: string): Promise<void> {
    const source = encodeURIComponent(`${this.settings.bucket}/${this.objectKey(from)}`).replaceAll("%2F", "/");
    await this.client.send(new CopyObjectCommand({ ...this.object(to), CopySource: source }));
  }

  /** Keys (without the prefix) and ages of the objects under `under`, a page of at most 1000. */
  async list(under: string): Promise<Array<{ key: string; lastModified: Date | undefined }>> {
    const prefix = this.objectKey(under);
    const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: prefix }));
    const strip = this.settings.prefix ? this.settings.prefix.length + 1 : 0;
    return (page.Contents ?? []).flatMap((item) =>
      item.Key ? [{ key: item.Key.slice(strip), lastModified: item.LastModified }] : [],
    );
  }

  /** A presigned GET of `key`; `forEvolink` signs it for the address Evolink reaches the bucket at. */
  link(
    key: string,
    seconds: number,
    response: { disposition?: string; contentType?: string } = {},
    forEvolink = false,
  ): Promise<string> {
    const command = new GetObjectCommand({
      ...this.object(key),
      ResponseContentDisposition: response.disposition,
      ResponseContentType: response.contentType,
    });
    return getSignedUrl(forEvolink ? this.publicClient : this.client, command, { expiresIn: seconds });
  }

  /** A presigned PUT of exactly `size` bytes of `contentType` (both signed: the bucket refuses anything else). */
  uploadLink(key: string, size: number, contentType: string, seconds: number): Promise<string> {
    const command = new PutObjectCommand({ ...this.object(key), ContentLength: size, ContentType: contentType });
    return getSignedUrl(this.client, command, {
      expiresIn: seconds,
      signableHeaders: new Set(["content-length", "content-type"]),
    });
  }

  async source(key: string): Promise<string> {
    return this.link(key, SERVE_LINK_SECONDS);
  }

  async serve(key: string, { headers }: ServeOptions): Promise<Response | null> {
    if ((await this.facts(key)) === null) return null;
    const location = await this.link(key, SERVE_LINK_SECONDS, {
      disposition: headers.get("content-disposition") ?? undefined,
      contentType: headers.get("content-type") ?? undefined,
    });
    // The link expires: the redirect itself is never cached. Range goes straight to the bucket.
    return new Response(null, { status: 302, headers: { Location: location, "Cache-Control": "no-store" } });
  }
}

function isMissing(error: unknown): boolean {
  const { name, $metadata } = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return name === "NotFound" || name === "NoSuchKey" || $metadata?.httpStatusCode === 404;
}
