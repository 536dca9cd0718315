import { formatBytes, type ImageFacts, type VideoFacts } from "@/lib/media/rules";

export function VideoFactsList({ facts, sizeBytes }: { facts: VideoFacts | null; sizeBytes: number }) {
  const rows: Array<[string, string]> = facts
    ? [
        ["Duration", `${facts.durationSeconds.toFixed(1)} s`],
        ["Size", `${facts.width}×${facts.height}`],
        ["Frame rate", `${Math.round(facts.fps * 100) / 100} fps`],
        ["File", formatBytes(facts.sizeBytes)],
        ["Container", facts.container.toUpperCase()],
      ]
    : [["File", formatBytes(sizeBytes)]];
  return (
    <dl data-testid="video-facts" className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
      {rows.map(([name, value]) => (
        <div key={name} className="contents">
          <dt className="text-zinc-500 dark:text-zinc-400">{name}</dt>
          <dd className="font-medium text-zinc-800 tabular-nums dark:text-zinc-200">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function imageFactsLine(facts: ImageFacts | null, sizeBytes: number): string {
  return facts
    ? `${facts.width}×${facts.height} · ${facts.type.toUpperCase()} · ${formatBytes(facts.sizeBytes)}`
    : formatBytes(sizeBytes);
}
