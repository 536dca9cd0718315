import type { ServerResponse } from "node:http";
import { sendRaw } from "./http";
import type { TransportFault } from "./scenarios";

const GATEWAY_PAGE =
  "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n" +
  "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

// Long enough on loopback for the half body to reach the client before the reset discards the send buffer.
const TRUNCATE_FLUSH_MS = 20;

/** A TCP reset (RST), as a crashed proxy or a dropped NAT entry gives, rather than an orderly close. */
function reset(res: ServerResponse): void {
  if (res.socket) res.socket.resetAndDestroy();
  else res.destroy();
}

/** Holds the request unanswered until the client gives up or `ms` pass, then drops it; never lingers. */
function hang(res: ServerResponse, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const end = (): void => {
      clearTimeout(timer);
      res.off("close", end);
      res.destroy();
      resolve();
    };
    const timer = setTimeout(end, ms).unref();
    res.once("close", end);
  });
}

/** Answers with `fault` instead of `body`, the response a healthy server would have sent. */
export async function inflictFault(
  res: ServerResponse,
  fault: TransportFault,
  hangMs: number,
  body = "",
): Promise<void> {
  switch (fault) {
    case "bad-gateway":
      return sendRaw(res, 502, "text/html", GATEWAY_PAGE);
    case "reset":
      return reset(res);
    case "hang":
      return hang(res, hangMs);
    case "truncate": {
      const bytes = Buffer.from(body);
      res.writeHead(200, { "Content-Type": "application/json; charset=utf-8", "Content-Length": bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => setTimeout(() => reset(res), TRUNCATE_FLUSH_MS));
      return;
    }
  }
}

/** What the simulator log records as the answer: 0 when no HTTP response was completed. */
export function faultStatus(fault: TransportFault): number {
  return fault === "bad-gateway" ? 502 : 0;
}
