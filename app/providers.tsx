"use client";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { StudioApiError } from "@/lib/client/api";
import { KeyRejectedContext } from "@/lib/client/key-rejected";

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
