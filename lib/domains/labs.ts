/**
 * Every lab page, in the order the home page and the header list them: each domain's lab (from the
 * registry), then the pages that work across domains (Compare, Classroom). TF-free.
 */
import { DOMAINS } from '.';
import type { DomainDescriptor, LabInfo } from './types';

export const COMPARE_LAB: LabInfo = {
  href: '/compare',
  title: 'Compare',
  summary: 'Put two models side by side — digits beside melodies, drums beside sounds — through the same analyses.',
  plans: [
    'Maps of the codes (PCA, UMAP) with nearest neighbours; which code units are used',
    'Smooth or jumpy interpolation paths; holes in the prior; attribute vectors',
    'Export figures (SVG, PNG) and numbers (CSV, JSON); the same numbers from the command line',
  ],
};

export const CLASSROOM_LAB: LabInfo = {
  href: '/classroom',
  title: 'Classroom',
  summary: 'A teacher runs a challenge with a join code; students make an entry in a lab, submit it, listen and vote, live.',
  plans: [
    'Challenge sessions with a join code and QR code',
    'Submissions from the labs, a live gallery, listening and voting',
    'Moderation, export as ZIP, automatic deletion',
  ],
};

/** The labs of `domains`, then Compare and Classroom. */
export function labsOf(domains: readonly DomainDescriptor[]): LabInfo[] {
  return [...domains.flatMap((d): LabInfo[] => (d.lab ? [d.lab] : [])), COMPARE_LAB, CLASSROOM_LAB];
}

export const LABS: readonly LabInfo[] = labsOf(DOMAINS);

/** The lab at `href`. @throws {Error} for an unknown page (a programming error). */
export function labByHref(href: string): LabInfo {
  const lab = LABS.find((l) => l.href === href);
  if (!lab) throw new Error(`No lab at ${href}`);
  return lab;
}
