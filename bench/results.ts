import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const file = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');

/** Replaces (or appends) the `## <name>` section of bench/RESULTS.md, leaving the others alone. */
export function writeSection(name: string, body: string) {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const heading = `## ${name}`;
  const section = `${heading}\n\n_Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${process.arch}, Node ${process.version})._\n\n${body.trim()}\n`;
  const start = text.indexOf(`\n${heading}\n`);
  if (start === -1) return writeFileSync(file, `${text.trimEnd()}\n\n${section}`);
  const next = text.indexOf('\n## ', start + heading.length + 1);
  writeFileSync(file, `${text.slice(0, start + 1)}${section}${next === -1 ? '' : `\n${text.slice(next + 1)}`}`);
}

/** p-th percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}
