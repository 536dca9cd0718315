// What Evolink defines for kling-custom-element (CONTRACT.md, "Elements"), apart from contract.ts because only the
// Elements panel, the server and the simulator need it, not the studio page's first screen.

/** Elements: saved subjects made by their own task (CONTRACT.md, "Elements"). */
export const ELEMENT_MODEL = "kling-custom-element";
export const ELEMENT_LIMITS = {
  nameMaxChars: 20,
  descriptionMaxChars: 100,
  minExtraAngles: 1,
  maxExtraAngles: 3,
  /** Credits per creation request, refunded when it fails (CONTRACT.md, "Elements"). */
  credits: 1,
  usdPerCreation: 0.014,
} as const;
