/**
 * The Compare lab's state in the page URL, so a shared link shows the same comparison: one zod
 * field per key built from the analyses' constants and the domains' Compare sides, read and written
 * by lib/core/url-state. Reading never throws: a bad or out-of-range value falls back to its default
 * and is reported (the page says so next to the control). TF-free.
 *
 *   /compare?a=image:vae&b=melody:mel_2bar&proj=umap&metric=cosine&pairs=24&mode=slerp&seed=1&agroups=1:7&bgroups=density&asel=12
 *
 * Each column is `<domain>:<model>`, the model in the domain's own form (a shipped id, `saved:<name>`,
 * `url:https://…`). Links from before columns existed (`image=vae&music=drums_2bar&in=…&msel=…`)
 * are read as the same comparison.
 */
import { z } from 'zod';
import { defineUrlState, urlInt, type UrlState } from '../core/url-state';
import { DOMAINS } from '../domains';
import type { DomainDescriptor } from '../domains/types';
import { COMPARE_LIMITS, MAP_PROJECTIONS, NEIGHBOUR_METRICS, PATH_MODES } from '../latent/compare/options';
import { attributeGroupsSchema, type AttributeGroups } from '../latent/compare/report';
import { SHIPPED_MUSIC_MODELS } from '../music/shipped';
import type { CompareColumn } from './columns';

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

/** A column's domain and model, from its URL value `<domain>:<model>`; undefined when either is unknown or invalid. */
export function parseColumnValue(value: string, domains: readonly DomainDescriptor[] = DOMAINS): { domain: DomainDescriptor; model: string } | undefined {
  const colon = value.indexOf(':');
  if (colon < 1) return undefined;
  const domain = domains.find((d) => d.id === value.slice(0, colon) && d.compare);
  const model = value.slice(colon + 1);
  if (!domain?.compare || !domain.compare.modelSchema.safeParse(model).success) return undefined;
  return { domain, model };
}

/** The URL value of a column (see {@link parseColumnValue}). */
export function columnValue(domain: string, model: string): string {
  return `${domain}:${model}`;
}

const groupsParam = z
  .string()
  .max(401)
  .refine((t) => parseGroups(t) !== undefined, 'expected two labels like 1:7 or an attribute name');

const { items, neighbours, pairs, seed } = COMPARE_LIMITS;

/** Every parameter with its type, range and default, for a set of domains (lib/core/url-state reads and writes them). */
export function compareUrlFields(domains: readonly DomainDescriptor[] = DOMAINS) {
  const known = domains.filter((d) => d.compare).map((d) => d.id);
  const column = (fallback: string) =>
    z
      .string()
      .max(2200)
      .refine((v) => parseColumnValue(v, domains) !== undefined, `expected <domain>:<model> with a domain among ${known.join(', ')} and a valid model for it`)
      .default(fallback);
  return {
    a: column('image:vae'),
    an: urlInt(items.min, items.max).default(items.default),
    b: column(`melody:${SHIPPED_MUSIC_MODELS.melody}`),
    bn: urlInt(items.min, items.max).default(items.default),
    proj: z.enum(MAP_PROJECTIONS).default('pca'),
    metric: z.enum(NEIGHBOUR_METRICS).default('cosine'),
    k: urlInt(neighbours.min, neighbours.max).default(neighbours.default),
    pairs: urlInt(pairs.min, pairs.max).default(pairs.default),
    mode: z.enum(PATH_MODES).default('lerp'),
    seed: urlInt(seed.min, seed.max).default(seed.default),
    agroups: groupsParam.optional(),
    bgroups: groupsParam.optional(),
    asel: urlInt(0, items.max).optional(),
    bsel: urlInt(0, items.max).optional(),
  };
}
type Fields = ReturnType<typeof compareUrlFields>;
export type CompareUrlState = { [K in keyof Fields]: z.output<Fields[K]> };

/** The Compare lab's URL state over the registered domains (tests pass others). */
export function compareUrlState(domains: readonly DomainDescriptor[] = DOMAINS): UrlState<CompareUrlState> {
  return defineUrlState(compareUrlFields(domains));
}
export const compareUrl = compareUrlState();

/** The URL keys of a column's own settings. */
export function columnKeys(column: CompareColumn): { model: 'a' | 'b'; count: 'an' | 'bn'; select: 'asel' | 'bsel'; groups: 'agroups' | 'bgroups' } {
  return column === 'a' ? { model: 'a', count: 'an', select: 'asel', groups: 'agroups' } : { model: 'b', count: 'bn', select: 'bsel', groups: 'bgroups' };
}

/** A parameter the link had but that could not be used, and what was used instead. */
export interface UrlProblem {
  key: string;
  value: string;
  message: string;
}

/** Old links (one image side, one music side) in today's keys; keys already in today's form win. */
function fromLegacy(params: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(params);
  const move = (from: string, to: string, map: (v: string) => string = (v) => v): void => {
    const value = params.get(from);
    if (value === null) return;
    out.delete(from);
    if (!params.has(to)) out.set(to, map(value));
  };
  move('image', 'a', (v) => columnValue('image', v));
  move('music', 'b', (v) => (v === SHIPPED_MUSIC_MODELS.drums ? columnValue('drums', v) : columnValue('melody', v)));
  move('in', 'an');
  move('mn', 'bn');
  move('isel', 'asel');
  move('msel', 'bsel');
  move('igroups', 'agroups');
  move('mgroups', 'bgroups');
  return out;
}

/**
 * The state in `params`: each parameter checked on its own, so one bad value does not lose the
 * others; each bad value is named with the reason and what is used instead. Unknown parameters
 * (e.g. `backend`) are ignored.
 */
export function readCompareUrl(params: URLSearchParams, domains: readonly DomainDescriptor[] = DOMAINS): { state: CompareUrlState; problems: UrlProblem[] } {
  const fields = compareUrlFields(domains);
  const url = domains === DOMAINS ? compareUrl : compareUrlState(domains);
  const current = fromLegacy(params);
  const { state, ignored } = url.parse(current);
  const problems = ignored.map((key) => {
    const value = current.get(key) ?? '';
    const reason = fields[key].safeParse(value).error?.issues[0]?.message ?? 'invalid';
    const fallback = url.defaults[key];
    return { key, value, message: `"${value}" is not a valid ${key} (${reason}); using ${fallback === undefined ? 'none' : String(fallback)}.` };
  });
  return { state, problems };
}

/** The parameters that differ from the defaults (a short, stable link). */
export function compareUrlParams(state: CompareUrlState): URLSearchParams {
  return compareUrl.write(new URLSearchParams(), state);
}
