import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { SignOut } from "@/components/auth/sign-out";
import { HeaderBalance, Studio } from "@/components/studio/studio";
import { authEnabled, SESSION_COOKIE, sessionValid } from "@/lib/server/auth/session";
import { DemoBanner } from "@/components/studio/demo-banner";
import { config } from "@/lib/server/config";
import { videoUploadMaxBytes } from "@/lib/server/uploads/receive";
import { bucket } from "@/lib/server/storage";
import { VIDEO_RULES } from "@/lib/media/rules";

// Demo mode depends on the server's environment at request time, not at build time.
export const dynamic = "force-dynamic";

export default async function HomePage() {
  const gated = authEnabled();
  if (gated && !(await sessionValid((await cookies()).get(SESSION_COOKIE)?.value))) redirect("/signin");
  const { demo, confirmAboveCredits } = config();
  // With a bucket, references go straight to it (lib/client/reference-transfer.ts) and only the API's cap applies.
  const direct = bucket() !== null;
  return (
    <>
      {demo && <DemoBanner />}
      <main
        data-uploads={direct ? "direct" : undefined}
        className="mx-auto flex max-w-6xl flex-col gap-6 px-4 py-6 sm:px-6 sm:py-10"
      >
        <header className="flex flex-col gap-1">
          <div className="flex items-center justify-between gap-3">
            <p className="text-xs font-semibold tracking-widest text-violet-600 uppercase dark:text-violet-400">
              Kling O3 · Evolink
            </p>
            <div className="flex items-center gap-3">
              <HeaderBalance />
              {gated && <SignOut />}
            </div>
          </div>
          <h1 className="text-2xl font-bold tracking-tight text-zinc-900 sm:text-3xl dark:text-white">
            Reference-to-video studio
          </h1>
          <p className="max-w-2xl text-sm text-zinc-600 dark:text-zinc-400">
            Guide a new clip with the motion and style of a reference video, plus up to four reference images.
          </p>
        </header>
        <Studio
          demo={demo}
          videoUploadMaxBytes={direct ? VIDEO_RULES.apiMaxBytes : videoUploadMaxBytes()}
          confirmAboveCredits={confirmAboveCredits}
        />
      </main>
    </>
  );
}
