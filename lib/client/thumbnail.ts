"use client";
import { ELEMENT_THUMBNAIL } from "../elements/schema";

/**
 * A small JPEG data URL of an image file for the element library (the page loads images only from itself
 * or data: URLs); null when the browser cannot decode the file or the preview would be too large.
 */
export async function jpegThumbnail(file: File): Promise<string | null> {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, ELEMENT_THUMBNAIL.sidePx / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const url = canvas.toDataURL("image/jpeg", 0.8);
    return url.startsWith("data:image/jpeg;base64,") && url.length <= ELEMENT_THUMBNAIL.maxChars ? url : null;
  } catch {
    return null;
  }
}
