import KeyboardArrowDownIcon from '@mui/icons-material/KeyboardArrowDown';
import KeyboardArrowRightIcon from '@mui/icons-material/KeyboardArrowRight';
import SpeedIcon from '@mui/icons-material/Speed';
import { Box, Button, Chip, Collapse, IconButton, Table, TableBody, TableCell, TableHead, TableRow, Tooltip, Typography } from '@mui/material';
import { Fragment, useState, type ReactNode } from 'react';
import type { OptimizeComparison, VariantRow } from '../../../../electron/core/api/types.js';
import { formatBytes, formatMs, formatTime } from '../../format/format.js';
import { href } from '../../router/hash-route.js';
import { FlagChips } from './FlagChips.js';
import { bad, db, dropText, good, pct, ratio, relative } from './metrics.js';
import { modeLabel } from './recipe.js';
import { hasDetails, VariantDetails } from './VariantDetails.js';

interface Props {
  comparison: OptimizeComparison;
  /** Size of the parent from the registry, when its metrics lack it. */
  parentSize: number | null;
  /** The top-1 budget (fraction) a row is judged by. */
  budgetOf: (row: VariantRow) => number;
  /** The variant just created here: highlighted and opened. */
  highlightId?: string | null;
}

/** A number with its comparison to the parent on a second line. */
function Num({ value, sub, subColor, title }: { value: ReactNode; sub?: ReactNode; subColor?: string; title?: string }) {
  const body = (
    <Box sx={{ fontVariantNumeric: 'tabular-nums', lineHeight: 1.3, whiteSpace: 'nowrap' }}>
      <div>{value}</div>
      {sub !== undefined && (
        <Typography variant="caption" component="div" sx={{ color: subColor ?? 'text.secondary', fontWeight: subColor ? 600 : undefined }}>
          {sub}
        </Typography>
      )}
    </Box>
  );
  return title ? (
    <Tooltip title={title} placement="top">
      {body}
    </Tooltip>
  ) : (
    body
  );
}

const modeColor = (mode: VariantRow['mode']) =>
  mode === 'float' ? 'default' : mode === 'static' || mode === 'dynamic' || mode === 'tune' ? 'primary' : 'secondary';

/** The float parent, then every variant derived from it, with what each gained and what it cost. */
export function VariantsTable({ comparison, parentSize, budgetOf, highlightId }: Props) {
  const { parent, variants } = comparison;
  const [open, setOpen] = useState<Record<string, boolean>>({});
  const rows = [parent, ...variants];
  const isOpen = (id: string) => open[id] ?? id === highlightId;

  return (
    <Box sx={{ overflowX: 'auto' }}>
      <Table
        size="small"
        data-testid="variants-table"
        sx={{
          '& th': { fontWeight: 600, whiteSpace: 'nowrap', color: 'text.secondary' },
          '& td': { verticalAlign: 'top', py: 0.9 },
          '& td, & th': { px: 1 },
          '& td:first-of-type, & th:first-of-type': { pl: 1.5 },
          '& td:last-of-type, & th:last-of-type': { pr: 1.5 },
        }}
      >
        <TableHead>
          <TableRow>
            <TableCell padding="checkbox" />
            <TableCell>Model</TableCell>
            <TableCell>Mode</TableCell>
            <TableCell align="right">Size</TableCell>
            <TableCell align="right">Latency p50</TableCell>
            <TableCell align="right">Top-1</TableCell>
            <TableCell align="right">
              <Tooltip title="Share of inputs where the variant picks the same top-1 class as the float parent">
                <span>Agreement</span>
              </Tooltip>
            </TableCell>
            <TableCell align="right">
              <Tooltip title="Signal-to-quantization-noise ratio of the model output against the float parent: higher is closer">
                <span>SQNR</span>
              </Tooltip>
            </TableCell>
            <TableCell align="right">
              <Tooltip title="Share of Conv, Gemm and MatMul nodes that ran as integer kernels">
                <span>INT kernels</span>
              </Tooltip>
            </TableCell>
            <TableCell>Safety checks</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row) => {
            const isParent = row === parent;
            const m = row.metrics;
            const rel = relative(row, parent, parentSize);
            const budgetPts = budgetOf(row) * 100;
            const slower = rel.latencyRatio !== null && rel.latencyRatio > 1;
            const overBudget = rel.dropPts !== null && rel.dropPts > budgetPts + 1e-9;
            const detail = !isParent && hasDetails(row);
            const expanded = detail && isOpen(row.modelId);
            const flags = m?.flags ?? [];
            const worst = flags.some((f) => f.level === 'error') ? bad : flags.length ? '#ffb547' : undefined;
            return (
              <Fragment key={row.modelId}>
                <TableRow
                  hover
                  selected={row.modelId === highlightId}
                  data-testid="variant-row"
                  data-model-id={row.modelId}
                  data-mode={row.mode}
                  sx={{
                    '& > td': { borderBottom: expanded ? 0 : undefined },
                    boxShadow: worst ? `inset 3px 0 0 ${worst}` : isParent ? 'inset 3px 0 0 rgba(159,176,192,0.5)' : undefined,
                  }}
                >
                  <TableCell padding="checkbox">
                    {detail && (
                      <IconButton
                        size="small"
                        aria-label={expanded ? 'Hide details' : 'Show details'}
                        onClick={() => setOpen((o) => ({ ...o, [row.modelId]: !expanded }))}
                        data-testid="variant-expand"
                      >
                        {expanded ? <KeyboardArrowDownIcon fontSize="small" /> : <KeyboardArrowRightIcon fontSize="small" />}
                      </IconButton>
                    )}
                  </TableCell>
                  <TableCell sx={{ minWidth: 160 }}>
                    <Box
                      component="a"
                      href={href('models', [row.modelId])}
                      data-testid="variant-link"
                      sx={{ color: 'text.primary', fontWeight: 600, textDecoration: 'none', '&:hover': { textDecoration: 'underline' } }}
                    >
                      {row.name}{' '}
                      <Box component="span" sx={{ color: 'text.secondary', fontWeight: 400 }}>
                        v{row.version}
                      </Box>
                    </Box>
                    <Typography variant="caption" color="text.secondary" component="div">
                      {isParent ? 'float original' : formatTime(row.createdAt)}
                    </Typography>
                  </TableCell>
                  <TableCell>
                    <Chip label={modeLabel(row.mode)} color={modeColor(row.mode)} variant="outlined" />
                  </TableCell>
                  {!m ? (
                    <>
                      <TableCell align="right">
                        <Num value={isParent && parentSize !== null ? formatBytes(parentSize) : '–'} sub={isParent ? 'baseline' : undefined} />
                      </TableCell>
                      <TableCell colSpan={5}>
                        <Typography variant="body2" color="text.secondary">
                          {isParent ? 'Latency and top-1 are measured with the first variant.' : 'Not measured.'}
                        </Typography>
                      </TableCell>
                    </>
                  ) : (
                    <>
                      <TableCell align="right">
                        <Num value={formatBytes(m.sizeBytes)} sub={isParent ? 'baseline' : `${ratio(rel.sizeRatio)} float`} />
                      </TableCell>
                      <TableCell align="right">
                        <Num
                          value={m.latencyP50Ms === null ? '–' : formatMs(m.latencyP50Ms)}
                          sub={isParent ? 'baseline' : rel.latencyRatio === null ? 'not measured' : `${ratio(rel.latencyRatio)}${slower ? ' · slower' : ''}`}
                          subColor={isParent ? undefined : slower ? bad : rel.latencyRatio !== null && rel.latencyRatio < 0.98 ? good : undefined}
                          title={isParent ? undefined : 'Measured side by side with the parent on this workstation; above 1× is slower'}
                        />
                      </TableCell>
                      <TableCell align="right">
                        <Num
                          value={pct(m.top1, 2)}
                          sub={isParent ? (m.top1 === null ? 'no labels' : 'baseline') : dropText(rel.dropPts)}
                          subColor={isParent ? undefined : overBudget ? bad : undefined}
                          title={isParent ? undefined : `Budget: at most ${budgetPts.toFixed(2)} points below float`}
                        />
                      </TableCell>
                      <TableCell align="right">
                        <Num value={isParent ? '–' : pct(m.agreement)} />
                      </TableCell>
                      <TableCell align="right">
                        <Num value={isParent ? '–' : db(m.sqnrDb)} />
                      </TableCell>
                      <TableCell align="right">
                        <Num value={m.integerCoverage === null ? '–' : pct(m.integerCoverage, 0)} />
                      </TableCell>
                    </>
                  )}
                  <TableCell sx={{ minWidth: 140 }}>
                    {isParent ? (
                      <Typography variant="caption" color="text.secondary">
                        reference
                      </Typography>
                    ) : flags.length === 0 && m ? (
                      <Chip label="passed" color="success" variant="outlined" data-testid="variant-passed" />
                    ) : (
                      <FlagChips flags={flags} />
                    )}
                  </TableCell>
                  <TableCell align="right" sx={{ whiteSpace: 'nowrap' }}>
                    <Button size="small" startIcon={<SpeedIcon />} href={href('profiling', [], { model: row.modelId })} data-testid="variant-profile">
                      Profile
                    </Button>
                  </TableCell>
                </TableRow>
                {detail && (
                  <TableRow data-testid="variant-detail-row">
                    <TableCell colSpan={11} sx={{ py: 0, borderBottom: expanded ? undefined : 0 }}>
                      <Collapse in={expanded} unmountOnExit sx={{ pl: 5 }}>
                        <VariantDetails row={row} parent={parent} budgetPts={budgetPts} />
                      </Collapse>
                    </TableCell>
                  </TableRow>
                )}
              </Fragment>
            );
          })}
        </TableBody>
      </Table>
      {variants.length === 0 && (
        <Typography variant="body2" color="text.secondary" sx={{ p: 2 }} data-testid="variants-empty">
          No variants yet. Choose a recipe above and create one: it appears here next to the float original.
        </Typography>
      )}
    </Box>
  );
}
