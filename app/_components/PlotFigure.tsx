'use client';
/**
 * Mounts an Observable Plot figure (or any DOM node) built by `render`, and rebuilds it when
 * `deps` change. Plot is only touched in effects, so server rendering never runs it.
 */
import { useEffect, useRef, type DependencyList } from 'react';

export function PlotFigure({
  render,
  deps,
  testId,
  label,
}: {
  render: () => HTMLElement | SVGElement | null;
  deps: DependencyList;
  testId?: string;
  label: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const host = ref.current;
    if (!host) return;
    const node = render();
    if (node) host.replaceChildren(node);
    return () => {
      node?.remove();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return <div ref={ref} className="plot" data-testid={testId} role="figure" aria-label={label} />;
}
