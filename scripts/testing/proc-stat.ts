/**
 * A process's line in /proc/<pid>/stat (Linux), for the benches that report other processes' load:
 * its niceness, the CPU it has used, and whether it is stopped. Undefined where /proc is missing or the process has ended.
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of the stat times (USER_HZ: 100 on Linux). */
const CLOCK_TICKS = 100;

export function procStat(pid: number): { nice: number; cpuSeconds: number; stopped: boolean } | undefined {
  try {
    // Fields after the command name (which may hold spaces) start at the state, field 3 of proc(5):
    // utime and stime are fields 14 and 15, nice is field 19.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // The state (field 3) is T when the process is stopped (SIGSTOP: paused, taking no CPU).
    return { nice: Number(fields[16]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS, stopped: fields[0] === 'T' };
  } catch {
    return undefined;
  }
}
