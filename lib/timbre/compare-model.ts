/** How a Compare column names a timbre model (TF-free: the page's URL state and the worker's loader share it). */
import { z } from 'zod';

/** The shipped model ("timbre") or a checkpoint folder's URL ("url:https://…"). */
export const timbreCompareModelSchema: z.ZodType<string> = z.union([z.literal('timbre'), z.string().regex(/^url:https?:\/\/\S{1,2000}$/)]);
