import { parseArgs } from "node:util";
import { startSimulator } from "./server";

const USAGE =
  "Usage: npm run simulator -- [--port 4010] [--host 127.0.0.1] [--key sk-...] [--task-seconds 30] [--result-ttl 86400] [--hang-ms 45000]\n" +
  "         [--callback-tunnel https://studio.example.com=http://127.0.0.1:3000]   (deliver that origin's callbacks locally)";

function numberArg(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value < 0)
    throw new Error(`--${name} must be a non-negative number`);
  return value;
}

/** `https://public.origin=http://local.origin`: what a TLS-terminating tunnel would do for callbacks. */
function tunnelArg(raw: string | undefined): { from: string; to: string } | undefined {
  if (raw === undefined) return undefined;
  const [from, to, ...rest] = raw.split("=");
  if (!from || !to || rest.length)
    throw new Error("--callback-tunnel must look like https://public.example=http://127.0.0.1:3000");
  return { from, to };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "4010" },
      host: { type: "string", default: "127.0.0.1" },
      key: { type: "string" },
      "task-seconds": { type: "string" },
      "result-ttl": { type: "string" },
      "callback-tunnel": { type: "string" },
      "hang-ms": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const simulator = await startSimulator({
    port: numberArg("port", values.port),
    host: values.host,
    apiKey: values.key ?? process.env.SIMULATOR_API_KEY,
    taskSeconds: numberArg("task-seconds", values["task-seconds"]),
    resultTtlSeconds: numberArg("result-ttl", values["result-ttl"]),
    callbackTunnel: tunnelArg(values["callback-tunnel"]),
    hangMs: numberArg("hang-ms", values["hang-ms"]),
  });
  console.log(`Evolink simulator listening on ${simulator.url}`);
  const shutdown = (): void => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  console.error(USAGE);
  process.exit(1);
});
