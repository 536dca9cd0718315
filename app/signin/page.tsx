import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { authEnabled } from "@/lib/server/auth/session";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sign in — Kling O3 Studio" };

export default function SignInPage() {
  if (!authEnabled()) redirect("/");
  return (
    <main className="mx-auto flex min-h-dvh max-w-sm flex-col justify-center gap-6 px-4">
      <header className="flex flex-col gap-1">
        <p className="text-xs font-semibold tracking-widest text-violet-600 uppercase dark:text-violet-400">
          Kling O3 · Evolink
        </p>
        <h1 className="text-2xl font-bold tracking-tight">Sign in to the studio</h1>
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          This studio spends its owner&apos;s Evolink credits, so it asks for a password.
        </p>
      </header>
      <div className="rounded-2xl border border-zinc-200 bg-white p-5 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
        <SignInForm />
      </div>
    </main>
  );
}
