import type { TestProject } from "vitest/node";
import { startPgCluster } from "../helpers/pg-cluster";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway cluster's superuser URL; suites make their own databases in it (store-engines.ts). */
    pgUrl: string;
  }
}

/** One PostgreSQL cluster for the whole unit run (a start costs ~2 s), removed when the run ends. */
export default async function setup(project: TestProject): Promise<() => void> {
  const cluster = await startPgCluster();
  project.provide("pgUrl", cluster.url);
  return () => cluster.stop();
}
