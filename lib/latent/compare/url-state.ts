/**
 * The Compare lab's state in the page URL, so a shared link shows the same comparison: one zod
 * field per key built from the lab's constants, read and written by lib/core/url-state. Reading never throws: a bad or out-of-range value falls
 * back to its default and is reported (the page says so next to the control). TF-free.
 *
 *   /compare?image=vae&in=2000&music=mel_2bar&proj=umap&metric=cosine&pairs=24&mode=slerp&seed=1&igroups=1:7&mgroups=density&isel=12
 */
import { z } from 'zod';
import { defineUrlState, urlInt } from '../../core/url-state';
import { COMPARE_LIMITS, MAP_PROJECTIONS, NEIGHBOUR_METRICS, PATH_MODES } from './options';
import { attributeGroupsSchema, type AttributeGroups } from './report';

/** The shipped MusicVAEs the lab offers by name. */
export const SHIPPED_MUSIC_IDS = ['mel_2bar', 'drums_2bar'] as const;

/** Image model: a shipped id ("vae") or a model saved in this browser ("saved:<name>"). */
const imageModel = z.string().regex(/^([a-z0-9-]{1,40}|saved:[\w .-]{1,60})$/);
/** Music model: a shipped id or a checkpoint URL ("url:https://…"). */
const musicModel = z.union([z.enum(SHIPPED_MUSIC_IDS), z.string().regex(/^url:https?:\/\/\S{1,2000}$/)]);

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

const groupsParam = z
  .string()
  .max(401)
  .refine((t) => parseGroups(t) !== undefined, 'expected two labels like 1:7 or an attribute name');

const { items, neighbours, pairs, seed } = COMPARE_LIMITS;

/** Every parameter with its type, range and default (lib/core/url-state reads and writes them). */
export const compareUrlFields = {
  image: imageModel.default('vae'),
  in: urlInt(items.min, 2000).default(items.imageDefault),
  music: musicModel.default('mel_2bar'),
  mn: urlInt(items.min, items.max).default(items.musicDefault),
  proj: z.enum(MAP_PROJECTIONS).default('pca'),
  metric: z.enum(NEIGHBOUR_METRICS).default('cosine'),
  k: urlInt(neighbours.min, neighbours.max).default(neighbours.default),
  pairs: urlInt(pairs.min, pairs.max).default(pairs.default),
  mode: z.enum(PATH_MODES).default('lerp'),
  seed: urlInt(seed.min, seed.max).default(seed.default),
  igroups: groupsParam.optional(),
  mgroups: groupsParam.optional(),
  isel: urlInt(0, items.max).optional(),
  msel: urlInt(0, items.max).optional(),
};
export const compareUrl = defineUrlState(compareUrlFields);
export type CompareUrlState = typeof compareUrl.defaults;

/** A parameter the link had but that could not be used, and what was used instead. */
export interface UrlProblem {
  key: string;
  value: string;
  message: string;
}

/**
 * The state in `params`: each parameter checked on its own, so one bad value does not lose the
 * others; each bad value is named with the reason and what is used instead. Unknown parameters
 * (e.g. `backend`) are ignored.
 */
export function readCompareUrl(params: URLSearchParams): { state: CompareUrlState; problems: UrlProblem[] } {
  const { state, ignored } = compareUrl.parse(params);
  const problems = ignored.map((key) => {
    const value = params.get(key) ?? '';
    const reason = compareUrlFields[key].safeParse(value).error?.issues[0]?.message ?? 'invalid';
    const fallback = compareUrl.defaults[key];
    return { key, value, message: `"${value}" is not a valid ${key} (${reason}); using ${fallback === undefined ? 'none' : String(fallback)}.` };
  });
  return { state, problems };
}

/** The parameters that differ from the defaults (a short, stable link). */
export function compareUrlParams(state: CompareUrlState): URLSearchParams {
  return compareUrl.write(new URLSearchParams(), state);
}
