"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { postSignIn, requestSignOut } from "./session-api";

/** Signing in leads to the studio, rendered afresh by the server with the new session. */
export function useSignIn() {
  const router = useRouter();
  return useMutation({
    mutationFn: postSignIn,
    onSuccess: () => {
      router.replace("/");
      router.refresh();
    },
  });
}

/** Leads to the sign-in page even when the request failed: the page then shows whether the session still holds. */
export function useSignOut() {
  const router = useRouter();
  return useMutation({
    mutationFn: requestSignOut,
    onSettled: () => {
      router.replace("/signin");
      router.refresh();
    },
  });
}
