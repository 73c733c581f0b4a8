// The schema of a size field in config files (see size.ts for the sizes themselves).
import { z } from "zod";
import { parseSize, SIZE_FORMS } from "./size.js";

/** A size field of a config file ("256M", 1.5, "1G"); the schema keeps it as written. */
export const sizeSchema = z.union([z.string(), z.number()], { errorMap: () => ({ message: SIZE_FORMS }) })
  .superRefine((v, ctx) => {
    try {
      parseSize(v);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
    }
  });
