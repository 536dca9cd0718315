"use client";
import { createContext, useContext } from "react";

/** Whether any answer said the server's Evolink key was rejected: an operator problem, shown once, page-wide. */
export const KeyRejectedContext = createContext(false);

export function useKeyRejected(): boolean {
  return useContext(KeyRejectedContext);
}
