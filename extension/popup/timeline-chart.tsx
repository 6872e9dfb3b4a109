import type { z } from 'zod';
import type { timelinePointSchema } from '../../shared/contracts/dashboard';

type Point = z.infer<typeof timelinePointSchema>;

/** The series the popup draws, each with its colour. */
const SERIES: Array<[keyof Point, string, string]> = [
  ['sent', 'Sent', 'var(--chart-sent)'],
  ['humanOpens', 'Opened by people', 'var(--chart-opens)'],
  ['replies', 'Replies', 'var(--chart-replies)'],
];

/**
 * A light SVG line chart of the day-by-day figures (no chart library: the popup stays
 * small), with its axes: emails per day up the side, the dates along the bottom.
 */
export function TimelineChart({ points }: { points: Point[] }) {
  if (!points.some((p) => p.sent || p.opens || p.replies)) return <p className="note">No activity in this period.</p>;
  const W = 308, H = 120, left = 26, right = 6, top = 6, bottom = 20;
  const w = W - left - right, h = H - top - bottom;
  const max = niceMax(Math.max(1, ...points.flatMap((p) => SERIES.map(([k]) => Number(p[k]) || 0))));
  const x = (i: number) => left + (points.length === 1 ? w / 2 : (i / (points.length - 1)) * w);
  const y = (v: number) => top + h - (v / max) * h;
  const ticks = [0, max / 2, max].filter((t, i, all) => Number.isInteger(t) && all.indexOf(t) === i);
  // First, middle and last day: more labels would run into each other.
  const labelled = [...new Set([0, Math.floor((points.length - 1) / 2), points.length - 1])];
  return (
    <figure className="chart">
      <svg width={W} height={H} role="img" aria-label={`Emails per day over the last ${points.length} days`}>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={left} x2={W - right} y1={y(t)} y2={y(t)} style={{ stroke: 'var(--line)' }} />
            <text x={left - 4} y={y(t) + 3} textAnchor="end" fontSize="9" style={{ fill: 'var(--muted)' }}>{t}</text>
          </g>
        ))}
        <line x1={left} x2={left} y1={top} y2={top + h} style={{ stroke: 'var(--stale)' }} />
        <line x1={left} x2={W - right} y1={top + h} y2={top + h} style={{ stroke: 'var(--stale)' }} />
        {labelled.map((i) => (
          <text key={i} x={x(i)} y={H - 6} textAnchor={i === 0 ? 'start' : i === points.length - 1 ? 'end' : 'middle'} fontSize="9" style={{ fill: 'var(--muted)' }}>{shortDate(points[i]!.day)}</text>
        ))}
        {SERIES.map(([k, , colour]) => (
          <polyline key={k} fill="none" style={{ stroke: colour }} strokeWidth={2} points={points.map((p, i) => `${x(i)},${y(Number(p[k]) || 0)}`).join(' ')} />
        ))}
      </svg>
      <figcaption className="legend">
        {SERIES.map(([k, name, colour]) => <span key={k}><i style={{ background: colour }} /> {name}</span>)}
      </figcaption>
    </figure>
  );
}

/** A round top for the axis (1, 2, 5, 10, 20…), so its ticks are whole numbers. */
function niceMax(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (v <= m * step) return Math.max(2, m * step);
  return 10 * step;
}

/** "2 Dec" from the API's YYYY-MM-DD (a calendar day: no time zone shift). */
function shortDate(day: string): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d!)).toLocaleDateString(undefined, { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
