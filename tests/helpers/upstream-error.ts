import { expect } from "vitest";
import { UpstreamError } from "@/lib/server/evolink/upstream-error";

/** The UpstreamError a call rejects with (failing the test if it resolves or rejects with anything else). */
export async function upstreamErrorFrom(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UpstreamError);
  return error as UpstreamError;
}
