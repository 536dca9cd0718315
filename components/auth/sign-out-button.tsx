"use client";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  return (
    <Button
      variant="secondary"
      size="sm"
      onClick={async () => {
        await fetch("/api/session", { method: "DELETE" }).catch(() => null);
        window.location.assign("/signin");
      }}
    >
      Sign out
    </Button>
  );
}
