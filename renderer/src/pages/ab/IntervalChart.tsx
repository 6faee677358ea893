import { Box, Typography } from '@mui/material';

export interface IntervalRow {
  label: string;
  estimate: number | null;
  low: number | null;
  high: number | null;
  color: string;
}

/** Estimates as dots with their 95 % interval as whiskers, one row per variant, on one shared axis. */
export function IntervalChart({ title, rows, unit, testId, zeroLine = false }: { title: string; rows: IntervalRow[]; unit: string; testId?: string; zeroLine?: boolean }) {
  const values = rows.flatMap((r) => [r.estimate, r.low, r.high]).filter((v): v is number => v !== null && Number.isFinite(v));
  if (zeroLine) values.push(0);
  const width = 520;
  const left = 70;
  const right = 44;
  const rowH = 34;
  const height = 36 + rows.length * rowH;
  if (values.length === 0) {
    return (
      <Box data-testid={testId} data-points={0}>
        <Typography variant="subtitle2">{title}</Typography>
        <Typography variant="body2" color="text.secondary">
          No samples yet: the cohorts report telemetry once they serve requests.
        </Typography>
      </Box>
    );
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.12;
  lo = zeroLine || lo - pad < 0 !== lo < 0 ? lo - pad : Math.max(0, lo - pad);
  hi += pad;
  const x = (v: number) => left + ((v - lo) / (hi - lo)) * (width - left - right);
  const ticks = Array.from({ length: 5 }, (_, i) => lo + ((hi - lo) * i) / 4);
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2));
  return (
    <Box data-testid={testId} data-points={values.length}>
      <Typography variant="subtitle2">{title}</Typography>
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" style={{ maxWidth: width, display: 'block' }} role="img" aria-label={title}>
        {ticks.map((t, i) => (
          <g key={i}>
            <line x1={x(t)} x2={x(t)} y1={8} y2={height - 22} stroke="rgba(180,200,220,0.14)" />
            <text x={x(t)} y={height - 6} fill="#9fb0c0" fontSize={11} textAnchor="middle">
              {fmt(t)} {unit}
            </text>
          </g>
        ))}
        {zeroLine && <line x1={x(0)} x2={x(0)} y1={4} y2={height - 22} stroke="#9fb0c0" strokeDasharray="4 3" />}
        {rows.map((r, i) => {
          const y = 22 + i * rowH;
          return (
            <g key={r.label}>
              <text x={left - 10} y={y + 4} fill="#e7edf3" fontSize={12} textAnchor="end">
                {r.label}
              </text>
              {r.low !== null && r.high !== null && (
                <g stroke={r.color} strokeWidth={2}>
                  <line x1={x(r.low)} x2={x(r.high)} y1={y} y2={y} />
                  <line x1={x(r.low)} x2={x(r.low)} y1={y - 6} y2={y + 6} />
                  <line x1={x(r.high)} x2={x(r.high)} y1={y - 6} y2={y + 6} />
                </g>
              )}
              {r.estimate !== null && <circle cx={x(r.estimate)} cy={y} r={5} fill={r.color} />}
              {r.estimate !== null && (
                <text x={x(r.estimate)} y={y - 9} fill={r.color} fontSize={11} textAnchor="middle">
                  {fmt(r.estimate)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
    </Box>
  );
}
