// Local element ids: made by this studio, never the upstream's element_id (which only the server sends on).
export const ELEMENT_ID_PATTERN = /^el-[a-f0-9]{16}$/;
