import "server-only";
import { CALLBACK_RULES } from "../../evolink/contract";
import { checkPublicHttpsUrl } from "../../net/host-kind";

/**
 * PUBLIC_BASE_URL: the studio's public https address, where Evolink can POST a finished task
 * (CONTRACT.md, "Callbacks"). Unset: no callback_url is sent and polling alone finishes tasks.
 */
export const CALLBACK_PATH = "/api/webhooks/evolink/";
/** 32 random bytes in base64url: the per-task secret in the callback path. */
export const CALLBACK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const CALLBACK_TOKEN_CHARS = 43;
const MAX_CALLBACK_URL_CHARS = CALLBACK_RULES.maxUrlChars;

/**
 * Why `raw` cannot receive callbacks, or null. Checked without DNS: Evolink resolves the name from its
 * own network, so only what is wrong everywhere is refused (a non-public IP or a local-only name).
 */
export function publicBaseUrlProblem(raw: string): string | null {
  const checked = checkPublicHttpsUrl(raw);
  if (checked.problem === "not-a-url") return "it is not an absolute URL";
  if (checked.problem === "not-https") return "Evolink only calls https:// addresses";
  if (checked.problem === "credentials") return "it must not contain a user name or password";
  const { url } = checked;
  if (url.search || url.hash || raw.includes("?") || raw.includes("#"))
    return "it must not have a query (?) or fragment (#)";
  if (checked.problem === "non-public-host") {
    return `${url.hostname} is a ${checked.range} address that Evolink cannot reach (it refuses private targets)`;
  }
  const longest = `${trimSlash(url.href)}${CALLBACK_PATH}`.length + CALLBACK_TOKEN_CHARS;
  if (longest > MAX_CALLBACK_URL_CHARS) {
    return `the callback URLs built on it would be ${longest} characters; Evolink accepts at most ${MAX_CALLBACK_URL_CHARS}`;
  }
  return null;
}

/** The startup refusal for an unusable PUBLIC_BASE_URL value, or null when it is fine. */
export function publicBaseUrlReason(raw: string): string | null {
  const problem = raw.trim() ? publicBaseUrlProblem(raw.trim()) : null;
  if (!problem) return null;
  return (
    `Refusing to start: PUBLIC_BASE_URL=${raw.trim()} cannot receive Evolink's task callbacks because ${problem}. ` +
    `Set it to the studio's public https address (for example https://studio.example.com, optionally with a ` +
    `path prefix), or unset it to rely on polling alone.`
  );
}

export function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
