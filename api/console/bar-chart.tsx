/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

export interface BarGroup {
  label: string;
  values: Record<string, number>;
}

export interface BarChartProps {
  title: string;
  groups: BarGroup[];
  /** Series in drawing order, each with its colour and the words of its legend. */
  series: Array<{ key: string; color: string; label?: string }>;
  /** What the y axis counts, e.g. "jobs". */
  unit: string;
}

const W = 720;
const H = 300;
const M = { top: 34, right: 12, bottom: 56, left: 48 };

/**
 * A vertical grouped bar chart as plain SVG with both axes, gridlines at round ticks and a
 * legend: no script, scales to its container (viewBox), each bar carrying a <title> so
 * hovering shows the exact figure. A zero draws no bar but keeps its figure on the axis.
 */
export const BarChart: FC<BarChartProps> = ({ title, groups, series, unit }) => {
  const max = Math.max(0, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  const ticks = niceTicks(max);
  const top = ticks[ticks.length - 1]!;
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const groupW = plotW / Math.max(1, groups.length);
  const barW = Math.min(36, (groupW * 0.8) / series.length);
  const y = (v: number) => M.top + plotH - (v / top) * plotH;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-label={title} width={W} height={H} viewBox={`0 0 ${W} ${H}`} font-size="12" font-family="system-ui,sans-serif">
      <title>{title}</title>
      <Legend series={series} />
      <YAxis ticks={ticks} y={y} unit={unit} />
      {groups.map((g, gi) => {
        const x0 = M.left + gi * groupW + (groupW - barW * series.length) / 2;
        return (
          <g data-group={g.label}>
            {series.map((s, si) => {
              const value = g.values[s.key] ?? 0;
              const h = M.top + plotH - y(value);
              return (
                <rect x={x0 + si * barW} y={y(value)} width={barW - 2} height={h} fill={s.color} data-series={s.key} data-value={String(value)}>
                  <title>{`${g.label}, ${s.label ?? s.key}: ${value}`}</title>
                </rect>
              );
            })}
            <text x={M.left + gi * groupW + groupW / 2} y={H - M.bottom + 18} text-anchor="middle" font-weight="600">
              {g.label}
            </text>
          </g>
        );
      })}
      <line x1={M.left} x2={W - M.right} y1={M.top + plotH} y2={M.top + plotH} stroke="#5d6475" />
    </svg>
  );
};

export interface TimelineProps {
  title: string;
  /** One point per day, oldest first: `day` is YYYY-MM-DD. */
  points: Array<{ day: string } & Record<string, number | string>>;
  series: Array<{ key: string; color: string; label: string }>;
}

/** Daily figures as grouped columns over a date axis: the Home page's week. */
export const TimelineChart: FC<TimelineProps> = ({ title, points, series }) => {
  const groups = points.map((p) => ({
    label: shortDay(p.day),
    values: Object.fromEntries(series.map((s) => [s.key, Number(p[s.key] ?? 0)])),
  }));
  return <BarChart title={title} groups={groups} series={series} unit="emails" />;
};

const Legend: FC<{ series: BarChartProps['series'] }> = ({ series }) => {
  let x = M.left;
  return (
    <g>
      {series.map((s) => {
        const at = x;
        x += 24 + (s.label ?? s.key).length * 7;
        return (
          <g transform={`translate(${at},8)`}>
            <rect width="12" height="12" fill={s.color} />
            <text x="16" y="11">
              {s.label ?? s.key}
            </text>
          </g>
        );
      })}
    </g>
  );
};

const YAxis: FC<{ ticks: number[]; y: (v: number) => number; unit: string }> = ({ ticks, y, unit }) => (
  <g>
    {ticks.map((t) => (
      <g>
        <line x1={M.left} x2={W - M.right} y1={y(t)} y2={y(t)} stroke="#e3e6ef" />
        <text x={M.left - 6} y={y(t) + 4} text-anchor="end" fill="#5d6475">
          {String(t)}
        </text>
      </g>
    ))}
    <line x1={M.left} x2={M.left} y1={M.top} y2={y(0)} stroke="#5d6475" />
    <text x={12} y={M.top + (y(0) - M.top) / 2} transform={`rotate(-90 12 ${M.top + (y(0) - M.top) / 2})`} text-anchor="middle" fill="#5d6475">
      {unit}
    </text>
  </g>
);

/** 0 and round steps up to at least `max` (1, 2, 5 × 10^n), never fewer than one step. */
export function niceTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw)!);
  const ticks: number[] = [];
  for (let t = 0; t < max + step; t += step) ticks.push(Math.round(t));
  return ticks;
}

function shortDay(day: string) {
  const d = new Date(`${day}T12:00:00Z`);
  return d.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', timeZone: 'UTC' });
}
