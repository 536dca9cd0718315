"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createContext, useContext, useState, type ReactNode } from "react";
import { StudioApiError } from "@/lib/studio-api";

/** Whether any answer said the server's Evolink key was rejected: an operator problem, shown once, page-wide. */
const KeyRejectedContext = createContext(false);

export function useKeyRejected(): boolean {
  return useContext(KeyRejectedContext);
}

export function Providers({ children }: { children: ReactNode }) {
  const [keyRejected, setKeyRejected] = useState(false);
  const [client] = useState(() => {
    const watch = (error: unknown) => {
      if (error instanceof StudioApiError && error.body.code === "unauthorized") setKeyRejected(true);
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError: watch }),
      mutationCache: new MutationCache({ onError: watch }),
      defaultOptions: { mutations: { retry: false } },
    });
  });
  return (
    <QueryClientProvider client={client}>
      <KeyRejectedContext.Provider value={keyRejected}>{children}</KeyRejectedContext.Provider>
    </QueryClientProvider>
  );
}
