import { zodResolver } from "@hookform/resolvers/zod";
import { generationRequestSchema } from "./schema";

/** The form's validator: loaded on demand (see useGenerationResolver) so zod is not first-load code. */
export const generationResolver = zodResolver(generationRequestSchema);
