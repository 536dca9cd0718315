// The views of what is attached (a chosen video, chosen images, elements), shown once something is; one module, so
// the page's first load carries one loader entry for all (every lazy part is fetched when the browser is idle anyway).
export { AttachedElements } from "./attached-elements";
export { ChosenImages } from "./chosen-images";
export { ChosenVideo } from "./chosen-video";
