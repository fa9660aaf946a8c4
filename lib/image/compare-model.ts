/** How a Compare column names an image model (TF-free: the page's URL state and the worker's loader share it). */
import { z } from 'zod';

/**
 * A shipped id ("vae"), a model saved in this browser ("saved:<name>"), or "files" (the four files of
 * a downloaded model, picked on the page — they cannot be in a link).
 */
export const imageCompareModelSchema = z.string().regex(/^([a-z0-9-]{1,40}|saved:[\w .-]{1,60}|files)$/, 'a shipped image model id or saved:<name>');
