"use client";
import { useState } from "react";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";

export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={async (event) => {
        event.preventDefault();
        setPending(true);
        setError(null);
        const password = String(new FormData(event.currentTarget).get("password") ?? "");
        const response = await fetch("/api/session", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ password }),
        }).catch(() => null);
        setPending(false);
        if (response?.ok) return window.location.assign("/");
        const body = (await response?.json().catch(() => null)) as { error?: { message?: string; detail?: string } } | null;
        setError([body?.error?.message ?? "The studio could not be reached.", body?.error?.detail].filter(Boolean).join(" "));
      }}
    >
      <Field id="password" label="Password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {error && (
        <Alert tone="error" live testId="sign-in-error" title={error} />
      )}
      <Button type="submit" disabled={pending}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
