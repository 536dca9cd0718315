import "server-only";

/** Setting this exact value is the only way to serve a password-less studio beyond this machine. */
export const PUBLIC_WITHOUT_PASSWORD_OPT_OUT = "i-understand-anyone-can-spend-my-credits";

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * Refuses to serve a studio without APP_PASSWORD on a non-loopback address: anyone who can reach it
 * could spend the key's credits. Returns the reason, or null when the binding is safe.
 */
export function unsafeBindingReason(env: NodeJS.ProcessEnv = process.env): string | null {
  const host = env.HOST || "127.0.0.1";
  if (isLoopback(host) || env.APP_PASSWORD) return null;
  if (env.ALLOW_PUBLIC_WITHOUT_PASSWORD === PUBLIC_WITHOUT_PASSWORD_OPT_OUT) return null;
  return (
    `Refusing to listen on ${host} without APP_PASSWORD: anyone who can reach this address could spend your ` +
    `Evolink credits. Set APP_PASSWORD (recommended), or bind to 127.0.0.1 (HOST=127.0.0.1), or, if something ` +
    `in front of the studio already authenticates users, set ALLOW_PUBLIC_WITHOUT_PASSWORD=${PUBLIC_WITHOUT_PASSWORD_OPT_OUT}.`
  );
}
