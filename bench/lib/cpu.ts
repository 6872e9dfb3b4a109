// CPU time of processes, read from Linux's /proc: where a benchmark's time goes, process by
// process, measured beside its rates (utime + stime, in clock ticks of 1/100 s).
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100;

function ticksOf(pid: number | string): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // gone, or not Linux
  }
}

/** Ticks of every process whose command is `comm` (all of Postgres' backends, say). */
function ticksOfCommand(comm: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm) total += ticksOf(pid);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** What to watch: named pids, and commands whose processes are summed (e.g. `postgres`). */
export interface CpuWatch {
  pids?: Record<string, number>;
  commands?: string[];
}

export type CpuSnapshot = Record<string, number>;

export function cpuSnapshot(watch: CpuWatch): CpuSnapshot {
  const snap: CpuSnapshot = {};
  for (const [name, pid] of Object.entries(watch.pids ?? {})) snap[name] = ticksOf(pid);
  for (const comm of watch.commands ?? []) snap[comm] = ticksOfCommand(comm);
  return snap;
}

/** CPU microseconds per unit of work (a request, an email) between two snapshots, by name. */
export function cpuPer(before: CpuSnapshot, after: CpuSnapshot, units: number): Record<string, number> {
  return Object.fromEntries(Object.keys(after).map((k) => [k, (((after[k] ?? 0) - (before[k] ?? 0)) * 1e6) / TICKS_PER_SECOND / Math.max(1, units)]));
}

/** `a 12 µs, b 3 µs` — the mean over several measurements. */
export function cpuLine(all: Array<Record<string, number>>, unit = 'µs'): string {
  const keys = Object.keys(all[0] ?? {});
  return keys.map((k) => `${k} ${(all.reduce((s, c) => s + (c[k] ?? 0), 0) / all.length).toFixed(0)} ${unit}`).join(', ');
}
