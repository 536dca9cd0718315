import { checkPublicHttpsUrl } from "../net/host-kind";

// Apart from rules.ts: the first screen shows the limits and defaults, while a link is checked only once one
// is typed (by the validator loaded when idle, or the pasted-link preview), so the host tables load then.

/** Why a URL cannot be given to Evolink, or null when it can. Evolink downloads it itself, so it must be public. */
export function referenceUrlProblem(value: string): string | null {
  const checked = checkPublicHttpsUrl(value);
  if (checked.problem === null) return null;
  return {
    "not-a-url": "This is not a valid URL. Paste a full link starting with https://",
    "not-https": "Use an https:// link; Evolink only downloads references over HTTPS.",
    credentials: "Remove the user name and password from the link.",
    "non-public-host": "This host is private or local; Evolink's servers cannot reach it. Use a public link.",
  }[checked.problem];
}
