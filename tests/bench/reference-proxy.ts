/**
 * The benchmark's yardstick: the thinnest possible proxy, a node:http server that pipes every request
 * to the target and every answer back (no parsing, no checks, no buffering). Whatever ratio it reaches
 * against the direct path is the best any proxy hop can reach on the machine, because the hop's own
 * socket copying competes with the client and the simulator for the same cores.
 *
 *   tsx tests/bench/reference-proxy.ts --port 4450 --target http://127.0.0.1:4410
 */
import http from "node:http";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, target: { type: "string" } } });
const port = Number(values.port);
const target = new URL(values.target ?? "");
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const upstream = http.request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
      agent,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.destroy());
  req.pipe(upstream);
});

server.listen(port, "127.0.0.1", () => console.log(`reference proxy on http://127.0.0.1:${port} → ${target.origin}`));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
