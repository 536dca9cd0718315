"use client";
import { Suspense } from "react";
import { lazyPart } from "@/lib/client/lazy-part";

// Only a gated studio shows it, so the button and the session calls behind it are not first-load code.
const SignOutButton = lazyPart(() => import("./sign-out-button").then((module) => module.SignOutButton));

export function SignOut() {
  return (
    <Suspense fallback={null}>
      <SignOutButton />
    </Suspense>
  );
}
