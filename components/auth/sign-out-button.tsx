"use client";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  return (
    <Button
      type="button"
      variant="secondary"
      className="px-3 py-1.5 text-xs"
      onClick={async () => {
        await fetch("/api/session", { method: "DELETE" }).catch(() => null);
        window.location.assign("/signin");
      }}
    >
      Sign out
    </Button>
  );
}
