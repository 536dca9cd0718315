// A throwaway S3-compatible bucket for the tests: s3rver in its own process (so a test's memory figures are the
// studio's alone), on a loopback port, storing into a temp folder. Prints `listening <port>` once ready.
// Arguments: port (0: any), folder, bucket, the origin browsers upload from (CORS; optional).
import S3rver from "s3rver";

const [port = "0", directory, bucket, origin] = process.argv.slice(2);
const cors = origin
  ? `<CORSConfiguration><CORSRule><AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>` +
    `<AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedHeader>*</AllowedHeader>` +
    `<ExposeHeader>ETag</ExposeHeader><ExposeHeader>Content-Range</ExposeHeader><MaxAgeSeconds>600</MaxAgeSeconds>` +
    `</CORSRule></CORSConfiguration>`
  : null;
const server = new S3rver({
  port: Number(port),
  address: "127.0.0.1",
  silent: true,
  directory,
  configureBuckets: [{ name: bucket, configs: cors ? [cors] : [] }],
});
const { port: listening } = await server.run();
process.stdout.write(`listening ${listening}\n`);
process.on("SIGTERM", () => void server.close().then(() => process.exit(0)));
