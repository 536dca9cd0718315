import "server-only";
import { log, withLogContext } from "../log";
import { bucket, describeStorageError } from ".";

/**
 * At start, with STORAGE_URL: says in the log at once when the bucket cannot be used (unreachable, refusing the
 * credentials, no such bucket). The studio still starts: uploads are refused with the reason and archives are
 * retried until the bucket answers.
 */
export async function checkStorageAtStart(): Promise<boolean> {
  const store = bucket();
  if (!store) return true;
  const { bucket: name, prefix, endpoint } = store.settings;
  return withLogContext({ job: "startup" }, async () => {
    try {
      await store.ready();
      log().info({ bucket: name, prefix, endpoint }, "object storage reachable");
      return true;
    } catch (error) {
      const why = describeStorageError(error) ?? "it failed";
      log().error(
        { err: error, bucket: name, endpoint },
        `The object storage of STORAGE_URL cannot be used: ${why}. Uploads are refused and archives wait until it answers.`,
      );
      return false;
    }
  });
}
