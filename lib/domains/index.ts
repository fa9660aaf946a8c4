/**
 * The registry of domains: one line per domain (its TF-free descriptor). Pages, the header, the home
 * page, the Compare lab, the model manifest and the smoke tests read it; the model worker reads the
 * matching worker parts from ./workers (one line there too; a test checks the two agree).
 */
import { imageDomain } from '../image/domain';
import { drumsDomain, melodyDomain } from '../music/domain';
import { timbreDomain } from '../timbre/domain';
import type { DomainDescriptor, WorkerProtocol } from './types';

export const DOMAINS = [imageDomain, melodyDomain, drumsDomain, timbreDomain] as const satisfies readonly DomainDescriptor[];

export type DomainId = (typeof DOMAINS)[number]['id'];

/** The descriptor of `id`, or undefined. */
export function domainById(id: string, domains: readonly DomainDescriptor[] = DOMAINS): DomainDescriptor | undefined {
  return domains.find((d) => d.id === id);
}

/** Every worker protocol the domains use, once each (melody and drums share one). */
export function domainProtocols(domains: readonly DomainDescriptor[] = DOMAINS): WorkerProtocol[] {
  return [...new Map(domains.map((d) => [d.protocol.id, d.protocol])).values()];
}

/** The manifest kinds some domain loads (a manifest entry of another kind is refused). */
export function manifestKinds(domains: readonly DomainDescriptor[] = DOMAINS): string[] {
  return [...new Set(domains.flatMap((d) => d.manifestKinds))];
}
