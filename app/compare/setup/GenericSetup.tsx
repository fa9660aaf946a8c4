'use client';
/** A column's setup for a domain without a setup of its own: its shipped models and how many items. */
import { NumberField } from '@/app/_components/NumberField';
import { COMPARE_LIMITS } from '@/lib/latent/compare/options';
import type { SetupProps } from './types';

export function ModelSelect({ p, extraOptions }: { p: SetupProps; extraOptions?: React.ReactNode }) {
  return (
    <label>
      Model{' '}
      <select value={p.model} onChange={(e) => p.onModel(e.target.value)} data-testid={`model-${p.column}`}>
        {p.catalog.map((m) => (
          <option key={m.id} value={m.id}>
            {m.title}
            {m.zDims > 0 ? ` (z = ${m.zDims})` : ''}
          </option>
        ))}
        {!p.catalog.some((m) => m.id === p.model) && !extraOptions && <option value={p.model}>{p.model}</option>}
        {extraOptions}
      </select>
    </label>
  );
}

export function CountField({ p, noun, help }: { p: SetupProps; noun: string; help?: string }) {
  const max = p.side.count.max;
  return (
    <>
      <label>
        {noun}{' '}
        <NumberField
          value={p.count}
          min={COMPARE_LIMITS.items.min}
          max={max}
          onCommit={p.onCount}
          data-testid={`count-${p.column}`}
          aria-describedby={`count-help-${p.column}`}
        />
      </label>
      <span id={`count-help-${p.column}`} className="muted small">
        {help ?? `${COMPARE_LIMITS.items.min}–${max.toLocaleString('en')}`}
      </span>
    </>
  );
}

export function GenericSetup(p: SetupProps) {
  return (
    <div className="controls">
      <ModelSelect p={p} />
      <CountField p={p} noun={p.side.itemsName[0]?.toUpperCase() + p.side.itemsName.slice(1)} />
    </div>
  );
}
