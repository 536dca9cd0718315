import { ensureFixtures } from "../fixtures/media-fixtures";

export default function globalSetup(): void {
  ensureFixtures();
}
