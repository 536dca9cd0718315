"use client";
import { call } from "./api";

export function postSignIn(password: string): Promise<void> {
  return call("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ password }),
  });
}

export function requestSignOut(): Promise<void> {
  return call("/api/session", { method: "DELETE" });
}
