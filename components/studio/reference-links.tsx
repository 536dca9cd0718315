// The link boxes and a pasted video's preview, shown only when the person opens "or paste a link" or pastes one;
// one module, so the page's first load carries one loader entry for them.
export { ImageUrlsField } from "./image-urls-field";
export { PastedVideoPreview } from "./pasted-video-preview";
export { VideoUrlField } from "./video-url-field";
