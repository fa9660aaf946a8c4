import { describe, expect, it } from 'vitest';
import { GM_FAMILIES, gmFamily, gmProgramName, TIMBRE_PROGRAMS } from './gm';
import { SHIPPED_TIMBRE_Z_DIMS, setProgram, setProgramsByFamily, timbreSetPrograms } from './shipped-set';

describe('the shipped timbre set, as pages and the classroom see it', () => {
  it('lists the 111 programs of models/timbre/set with their GM names and families (Contrabass, silent at C4, left out)', () => {
    const programs = timbreSetPrograms();
    expect(programs).toHaveLength(111);
    expect(programs.map((p) => p.program)).toEqual(TIMBRE_PROGRAMS.filter((p) => p !== 43));
    for (const p of programs) expect([p.name, p.family]).toEqual([gmProgramName(p.program), gmFamily(p.program)]);
    expect(setProgram(24)?.name).toBe('Acoustic Guitar (nylon)');
    expect(setProgram(43)).toBeUndefined();
    expect(setProgram(112)).toBeUndefined();
  });

  it('groups them by family in GM order for menus, every program once', () => {
    const groups = setProgramsByFamily();
    expect(groups.map((g) => g.family)).toEqual(GM_FAMILIES.slice(0, 14));
    expect(groups.flatMap((g) => g.programs)).toEqual(timbreSetPrograms());
    expect(groups.find((g) => g.family === 'strings')?.programs).toHaveLength(7);
  });

  it('reads the code size of the shipped model (its config.json)', () => {
    expect(SHIPPED_TIMBRE_Z_DIMS).toBe(16);
  });
});
