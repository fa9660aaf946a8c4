import { describe, expect, it } from 'vitest';
import { compareLabels, fidelityLine } from './fidelity';
import type { FidelityInfo } from './protocol';

const info = (over: Partial<FidelityInfo>): FidelityInfo => ({
  label: 'Melody A',
  matchingSteps: 32,
  totalSteps: 32,
  eventSteps: 10,
  matchingEventSteps: 10,
  refined: true,
  ...over,
});

describe('compareLabels', () => {
  it('counts matching steps and matching event steps', () => {
    expect(compareLabels([0, 3, 1, 0], [0, 3, 2, 1])).toEqual({ matchingSteps: 2, totalSteps: 4, eventSteps: 2, matchingEventSteps: 1 });
  });
});

describe('fidelityLine', () => {
  it('says a code was not refined', () => {
    expect(fidelityLine(info({ refined: false, matchingSteps: 29 }), undefined)).toBe("Comes back 29/32 steps from the encoder's guess alone (not refined)");
  });
  it('gives the steps, the time and why refining stopped', () => {
    expect(fidelityLine(info({ steps: 12, stopped: 'exact' }), 310)).toBe('Comes back 32/32 steps · code refined in 0.3 s (12 steps, rebuilt exactly)');
    expect(fidelityLine(info({ matchingSteps: 30, steps: 1, stopped: 'plateau' }), 0)).toBe(
      'Comes back 30/32 steps · code refined (1 step, no longer improving)',
    );
    expect(fidelityLine(info({ matchingSteps: 31, steps: 25, stopped: 'steps' }), 450)).toBe('Comes back 31/32 steps · code refined in 0.5 s (25 steps)');
  });
  it('does not call an exact guess "refined (0 steps)"', () => {
    const line = fidelityLine(info({ steps: 0, stopped: 'exact' }), 40);
    expect(line).toBe("Comes back 32/32 steps: the encoder's guess was already exact (nothing to refine)");
    expect(line).not.toMatch(/0 steps/);
  });
});
