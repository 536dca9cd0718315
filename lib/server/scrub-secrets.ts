import "server-only";
import { configuredSecretValues } from "./config";

/**
 * One scrubber for every text that leaves the server: log lines, and whatever the upstream said
 * (error messages, task failures, file-service refusals) before it is stored or sent to a browser.
 */

const REPLACEMENT = "[Redacted]";

// Shorter values are common substrings of ordinary words; scrubbing them would mangle every line.
const MIN_SCRUBBED_LENGTH = 6;

/** Each secret as it may appear: plain (so also after "Bearer "), base64 and base64url. */
function secretForms(secrets: readonly string[]): string[] {
  const forms = secrets
    .filter((secret) => secret.length >= MIN_SCRUBBED_LENGTH)
    .flatMap((secret) => [secret, Buffer.from(secret).toString("base64"), Buffer.from(secret).toString("base64url")]);
  // Longest first, so a secret that contains another is replaced whole.
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

function scrubString(text: string, forms: readonly string[]): string {
  return forms.reduce((out, form) => (out.includes(form) ? out.replaceAll(form, REPLACEMENT) : out), text);
}

function scrubValue(value: unknown, forms: readonly string[]): unknown {
  if (typeof value === "string") return scrubString(value, forms);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, forms));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [scrubString(key, forms), scrubValue(item, forms)]),
    );
  }
  return value;
}

/**
 * For the logger: a secret's literal value anywhere in a finished line is replaced. Lines are searched
 * as written, and only a line that holds a secret is parsed, scrubbed value by value and written again,
 * so the output stays valid JSON.
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const forms = secretForms(secrets);
  const written = forms.map((form) => JSON.stringify(form).slice(1, -1));
  return (line) => {
    if (!written.some((form) => line.includes(form))) return line;
    try {
      return `${JSON.stringify(scrubValue(JSON.parse(line), forms))}\n`;
    } catch {
      return scrubString(line, written);
    }
  };
}

/** The configured key, password and session secret: what an upstream text must never carry onwards. */
export function configuredSecrets(): string[] {
  return configuredSecretValues();
}

// Read from the environment on every call (tests and restarts change it); the forms are rebuilt only when it changed.
let cached: { key: string; forms: string[] } | undefined;

function configuredForms(): string[] {
  const secrets = configuredSecrets();
  const key = JSON.stringify(secrets);
  if (cached?.key !== key) cached = { key, forms: secretForms(secrets) };
  return cached.forms;
}

/** `text` with every configured secret replaced; undefined stays undefined. */
export function scrubSecrets(text: string): string;
export function scrubSecrets(text: string | undefined): string | undefined;
export function scrubSecrets(text: string | undefined): string | undefined {
  return text === undefined ? undefined : scrubString(text, configuredForms());
}

/** A stored or outgoing JSON value with every string in it (keys too) scrubbed. */
export function scrubSecretsDeep<T>(value: T): T {
  return scrubValue(value, configuredForms()) as T;
}
