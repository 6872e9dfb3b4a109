import type { z } from 'zod';
import type { timelinePointSchema } from '../../shared/contracts/dashboard';

type Point = z.infer<typeof timelinePointSchema>;

/** The series the popup draws, each with its colour. */
const SERIES: Array<[keyof Point, string, string]> = [
  ['sent', 'sent', '#1f6feb'],
  ['humanOpens', 'human opens', '#f5b301'],
  ['replies', 'replies', '#2da44e'],
];

/** A light SVG line chart of the day-by-day figures (no chart library: the popup stays small). */
export function TimelineChart({ points }: { points: Point[] }) {
  if (!points.some((p) => p.sent || p.opens || p.replies)) return <p className="note">No activity in this period.</p>;
  const w = 280, h = 80;
  const max = Math.max(1, ...points.flatMap((p) => SERIES.map(([k]) => Number(p[k]) || 0)));
  const x = (i: number) => (points.length === 1 ? w / 2 : (i / (points.length - 1)) * w);
  const y = (v: number) => h - (v / max) * (h - 4);
  return (
    <figure>
      <svg width={w} height={h} role="img" aria-label="Timeline">
        {SERIES.map(([k, , colour]) => (
          <polyline key={k} fill="none" stroke={colour} strokeWidth={2} points={points.map((p, i) => `${x(i)},${y(Number(p[k]) || 0)}`).join(' ')} />
        ))}
      </svg>
      <figcaption>{SERIES.map(([k, name, colour]) => <span key={k} style={{ color: colour }}>■ {name} </span>)}</figcaption>
    </figure>
  );
}
