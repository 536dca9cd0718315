import "server-only";

/** A host name (lower case, IPv6 literals in brackets, no trailing dot) and the port named with it, if any. */
export interface HostName {
  name: string;
  port: string | null;
}

const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?)\.?(?::(\d{1,5}))?$/;

/** Splits a Host header value (or an ALLOWED_HOSTS entry) into name and port; null when it is neither. */
export function splitHost(value: string): HostName | null {
  const match = HOST_PATTERN.exec(value.trim().toLowerCase());
  if (!match) return null;
  const [, name = "", port = null] = match;
  if (port !== null && (Number(port) < 1 || Number(port) > 65535)) return null;
  return { name, port };
}

/** ALLOWED_HOSTS: comma-separated names, each optionally with :port. Throws a message naming a bad entry. */
export function parseAllowedHosts(value: string | undefined): HostName[] {
  const entries = (value ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.map((entry) => {
    const host = splitHost(entry);
    if (!host) {
      throw new Error(
        `ALLOWED_HOSTS has an entry that is not a host name or host:port: "${entry}". ` +
          `List names the way browsers send them, e.g. ALLOWED_HOSTS=studio.example.com,studio.lan:3000.`,
      );
    }
    return host;
  });
}
