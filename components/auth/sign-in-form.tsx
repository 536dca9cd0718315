"use client";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Field } from "@/components/ui/field";
import { Input } from "@/components/ui/input";
import { StudioApiError } from "@/lib/client/api";
import { useSignIn } from "@/lib/client/session-mutations";

export function SignInForm() {
  const signIn = useSignIn();
  const failure = signIn.error instanceof StudioApiError ? signIn.error.body : null;
  const error = failure && [failure.message, failure.detail].filter(Boolean).join(" ");
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        signIn.mutate(String(new FormData(event.currentTarget).get("password") ?? ""));
      }}
    >
      <Field id="password" label="Password">
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {error && <Alert tone="error" live testId="sign-in-error" title={error} />}
      <Button type="submit" disabled={signIn.isPending || signIn.isSuccess}>
        {signIn.isPending || signIn.isSuccess ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
