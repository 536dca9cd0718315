// A chosen video's and chosen images' views, shown once a file is attached; one module, so the page's first load
// carries one loader entry for both (every lazy part is fetched when the browser is idle either way).
export { ChosenImages } from "./chosen-images";
export { ChosenVideo } from "./chosen-video";
