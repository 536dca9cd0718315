"use client";
import { Button } from "@/components/ui/button";
import { useSignOut } from "@/lib/client/session-mutations";

export function SignOutButton() {
  const signOut = useSignOut();
  return (
    <Button variant="secondary" size="sm" disabled={signOut.isPending} onClick={() => signOut.mutate()}>
      Sign out
    </Button>
  );
}
