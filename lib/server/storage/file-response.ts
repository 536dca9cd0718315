import "server-only";
import { open, type FileHandle } from "node:fs/promises";
import parseRange from "range-parser";

// Kept files served from this machine's disk, Range included (the local storage's answers, and the archive's).

/** A kept file with Range honoured (206, 416, or the whole file for a malformed range); null when it is not there. */
export async function fromFile(filePath: string, range: string | null, headers: Headers): Promise<Response | null> {
  const handle = await open(filePath, "r").catch(() => null);
  if (!handle) return null;
  try {
    const { size } = await handle.stat();
    headers.set("Accept-Ranges", "bytes");
    const ranges = range ? parseRange(size, range, { combine: true }) : -2;
    if (ranges === -1) {
      await handle.close();
      headers.set("Content-Range", `bytes */${size}`);
      return new Response(null, { status: 416, headers });
    }
    // Malformed or multi-part ranges get the whole file, as static servers do.
    const single = Array.isArray(ranges) && ranges.type === "bytes" && ranges.length === 1 ? ranges[0] : undefined;
    const start = single?.start ?? 0;
    const end = single?.end ?? size - 1;
    if (single) headers.set("Content-Range", `bytes ${start}-${end}/${size}`);
    return new Response(fileBody(handle, start, end), { status: single ? 206 : 200, headers });
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
}

const READ_BYTES = 1024 * 1024;

/**
 * Bytes start..end (inclusive) of an open file as a web stream of 1 MiB reads, each a fresh buffer passed
 * on as it is: no copy per chunk (Readable.toWeb makes one), and 16× fewer chunks than a 64 KiB stream
 * for the response pipe to handle. The handle closes at the end, on an error and when the reader cancels.
 */
function fileBody(handle: FileHandle, start: number, end: number): ReadableStream<Uint8Array> {
  let position = start;
  const close = () => handle.close().catch(() => undefined);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          // The handle closes before the stream does, so a reader that sees the end finds the file closed.
          if (position > end) {
            await close();
            controller.close();
            return;
          }
          const wanted = Math.min(READ_BYTES, end + 1 - position);
          const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafeSlow(wanted), 0, wanted, position);
          if (bytesRead === 0) throw new Error("the archived file is shorter than it was when the answer began");
          position += bytesRead;
          controller.enqueue(buffer.subarray(0, bytesRead));
        } catch (error) {
          await close();
          controller.error(error);
        }
      },
      cancel: close,
    },
    // One read ahead, so the disk and the socket work at the same time.
    { highWaterMark: 2 },
  );
}
