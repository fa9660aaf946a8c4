/**
 * The Compare lab's state in the page URL, so a shared link shows the same comparison: one zod
 * schema built from the lab's constants. Reading never throws: a bad or out-of-range value falls
 * back to its default and is reported (the page says so next to the control). TF-free.
 *
 *   /compare?image=vae&in=2000&music=mel_2bar&proj=umap&metric=cosine&pairs=24&mode=slerp&seed=1&igroups=1:7&mgroups=density&isel=12
 */
import { z } from 'zod';
import { COMPARE_LIMITS, MAP_PROJECTIONS, NEIGHBOUR_METRICS, PATH_MODES } from './options';
import { attributeGroupsSchema, type AttributeGroups } from './report';

/** The shipped MusicVAEs the lab offers by name. */
export const SHIPPED_MUSIC_IDS = ['mel_2bar', 'drums_2bar'] as const;

/** Image model: a shipped id ("vae") or a model saved in this browser ("saved:<name>"). */
const imageModel = z.string().regex(/^([a-z0-9-]{1,40}|saved:[\w .-]{1,60})$/);
/** Music model: a shipped id or a checkpoint URL ("url:https://…"). */
const musicModel = z.union([z.enum(SHIPPED_MUSIC_IDS), z.string().regex(/^url:https?:\/\/\S{1,2000}$/)]);
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Groups in a URL: "1:7" (two labels) or "thickness" (an attribute). */
export function parseGroups(text: string): AttributeGroups | undefined {
  const pair = /^([^:]+):([^:]+)$/.exec(text);
  const parsed = attributeGroupsSchema.safeParse(pair ? { kind: 'label', a: pair[1], b: pair[2] } : { kind: 'attribute', id: text });
  return parsed.success ? parsed.data : undefined;
}

/** The URL form of groups (see {@link parseGroups}). */
export function formatGroups(groups: AttributeGroups): string {
  return groups.kind === 'label' ? `${groups.a}:${groups.b}` : groups.id;
}

const groupsParam = z.string().max(401).refine((t) => parseGroups(t) !== undefined, 'expected two labels like 1:7 or an attribute name');

const { items, neighbours, pairs, seed } = COMPARE_LIMITS;

/** Every parameter with its default. */
export const compareUrlSchema = z.object({
  image: imageModel.default('vae'),
  in: int(items.min, 2000).default(items.imageDefault),
  music: musicModel.default('mel_2bar'),
  mn: int(items.min, items.max).default(items.musicDefault),
  proj: z.enum(MAP_PROJECTIONS).default('pca'),
  metric: z.enum(NEIGHBOUR_METRICS).default('cosine'),
  k: int(neighbours.min, neighbours.max).default(neighbours.default),
  pairs: int(pairs.min, pairs.max).default(pairs.default),
  mode: z.enum(PATH_MODES).default('lerp'),
  seed: int(seed.min, seed.max).default(seed.default),
  igroups: groupsParam.optional(),
  mgroups: groupsParam.optional(),
  isel: int(0, items.max).optional(),
  msel: int(0, items.max).optional(),
});
export type CompareUrlState = z.infer<typeof compareUrlSchema>;
type Key = keyof CompareUrlState;
const KEYS = Object.keys(compareUrlSchema.shape) as Key[];

/** A parameter the link had but that could not be used, and what was used instead. */
export interface UrlProblem {
  key: string;
  value: string;
  message: string;
}

/**
 * The state in `params`: each parameter checked on its own, so one bad value does not lose the
 * others. Unknown parameters (e.g. `backend`) are ignored.
 */
export function readCompareUrl(params: URLSearchParams): { state: CompareUrlState; problems: UrlProblem[] } {
  const raw: Record<string, string> = {};
  const problems: UrlProblem[] = [];
  for (const key of KEYS) {
    const value = params.get(key);
    if (value === null) continue;
    const one = compareUrlSchema.shape[key].safeParse(value);
    if (one.success) raw[key] = value;
    else {
      const fallback = compareUrlSchema.shape[key].safeParse(undefined);
      const used = fallback.success && fallback.data !== undefined ? String(fallback.data) : 'none';
      problems.push({ key, value, message: `"${value}" is not a valid ${key} (${one.error.issues[0]?.message ?? 'invalid'}); using ${used}.` });
    }
  }
  return { state: compareUrlSchema.parse(raw), problems };
}

/** The parameters that differ from the defaults (a short, stable link). */
export function compareUrlParams(state: CompareUrlState): URLSearchParams {
  const defaults = compareUrlSchema.parse({});
  const out = new URLSearchParams();
  for (const key of KEYS) {
    const v = state[key];
    if (v !== undefined && v !== defaults[key]) out.set(key, String(v));
  }
  return out;
}
