import type { Zone } from "./drop-zone";

const FOLLOW_MS = 2000;

/**
 * After a file is chosen from a focused zone, focus stays there; when the zone went (a chosen video takes its
 * place) or is disabled (the images are full), it moves to the newest attachment, marked
 * `data-attached-from={id}`, rather than falling to the page's body. Looked for over a moment, as the attachment
 * may be lazily loaded.
 */
export function followFocus(id: string, zone: Zone) {
  const since = performance.now();
  const look = () => {
    const active = document.activeElement;
    const inZone = zone.current?.contains(active) ?? false;
    const zoneUsable = inZone && zone.current?.getAttribute("aria-disabled") !== "true";
    // The person moved on, or the zone still holds focus and can be used: nothing to do.
    if ((!inZone && active !== document.body) || (zoneUsable && performance.now() - since > 100)) return;
    const targets = document.querySelectorAll<HTMLElement>(`[data-attached-from="${id}"]`);
    const newest = targets[targets.length - 1];
    if (!zoneUsable && newest) return newest.focus();
    if (performance.now() - since < FOLLOW_MS) requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
}
