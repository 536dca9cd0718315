/** The studio's id for a failed request, small, for a person to quote when asking for help. */
export function RequestId({ id }: { id?: string }) {
  if (!id) return null;
  return (
    <span data-testid="request-id" className="block text-[11px] opacity-60">
      Request id: <span className="font-mono select-all">{id}</span>
    </span>
  );
}
