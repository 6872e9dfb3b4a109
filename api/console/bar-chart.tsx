/** @jsxImportSource hono/jsx */
import type { FC } from 'hono/jsx';

export interface BarGroup {
  label: string;
  values: Record<string, number>;
}

export interface BarChartProps {
  title: string;
  groups: BarGroup[];
  /** Series in drawing order, each with its colour. */
  series: Array<{ key: string; color: string }>;
}

const BAR = 14;
const GAP = 4;
const GROUP_GAP = 22;
const LABEL_W = 120;
const PLOT_W = 420;
const VALUE_W = 60;

/**
 * A horizontal grouped bar chart as plain SVG: no script, readable without CSS, each bar
 * carrying a <title> so hovering shows the exact figure.
 */
export const BarChart: FC<BarChartProps> = ({ title, groups, series }) => {
  const max = Math.max(1, ...groups.flatMap((g) => series.map((s) => g.values[s.key] ?? 0)));
  const groupH = series.length * (BAR + GAP) - GAP;
  const height = groups.length * (groupH + GROUP_GAP) + 30;
  const width = LABEL_W + PLOT_W + VALUE_W;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label={title} width={width} height={height} viewBox={`0 0 ${width} ${height}`} font-size="12" font-family="system-ui,sans-serif">
      <title>{title}</title>
      {series.map((s, i) => (
        <g transform={`translate(${LABEL_W + i * 95},0)`}>
          <rect width="10" height="10" y="2" fill={s.color} />
          <text x="14" y="11">
            {s.key}
          </text>
        </g>
      ))}
      {groups.map((g, gi) => {
        const top = 30 + gi * (groupH + GROUP_GAP);
        return (
          <g transform={`translate(0,${top})`}>
            <text x="0" y={groupH / 2 + 4} font-weight="600">
              {g.label}
            </text>
            {series.map((s, si) => {
              const value = g.values[s.key] ?? 0;
              const w = value === 0 ? 0 : Math.max(1, Math.round((value / max) * PLOT_W));
              const y = si * (BAR + GAP);
              return (
                <g>
                  <rect x={LABEL_W} y={y} width={w} height={BAR} fill={s.color} data-series={s.key} data-value={String(value)}>
                    <title>{`${g.label} ${s.key}: ${value}`}</title>
                  </rect>
                  <text x={LABEL_W + w + 4} y={y + BAR - 3}>
                    {String(value)}
                  </text>
                </g>
              );
            })}
          </g>
        );
      })}
    </svg>
  );
};
