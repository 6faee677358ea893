import { Box, LinearProgress, TableSortLabel, Typography } from '@mui/material';
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { DeviceListItem, DeviceSummary } from '../../../../electron/core/api/types.js';
import { formatAgo, formatTime } from '../../format/format.js';
import { deviceHref, navigate } from '../../router/hash-route.js';
import { monoFont } from '../../theme.js';
import { stateLabel, transportLabel } from './device-look.js';

const rowHeight = 38;
const headerHeight = 40;
/** Rows drawn above and below the visible ones, so a fast scroll does not show blanks. */
const overscan = 8;

const slotLabel: Record<NonNullable<DeviceSummary['slotState']>, string> = { confirmed: 'Confirmed', trial: 'Trial', empty: 'Empty' };

type SortKey = 'name' | 'state' | 'transport' | 'address' | 'model' | 'slot' | 'health' | 'drift' | 'change' | 'lastSeen';
interface Sort {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const healthRank: Record<DeviceSummary['health'], number> = { error: 0, warning: 1, unknown: 2, ok: 3 };

/** What each sortable column orders by: strings compare lower-cased, missing values last. */
const sortValue: Record<SortKey, (d: DeviceListItem) => string | number> = {
  name: (d) => d.name.toLowerCase(),
  state: (d) => stateLabel(d.state),
  transport: (d) => d.transport,
  address: (d) => d.address,
  model: (d) => (d.activeModel ? `${d.activeModel.name} ${d.activeModel.version}`.toLowerCase() : '\uffff'),
  slot: (d) => d.slotState ?? '\uffff',
  health: (d) => healthRank[d.health] ?? 9,
  // Not judged sorts below every judged device, whichever way.
  drift: (d) => (d.drift ? d.drift.psi : -1),
  change: (d) => (d.lastChange ? Date.parse(d.lastChange.at) : 0),
  lastSeen: (d) => (d.lastSeen ? Date.parse(d.lastSeen) : 0),
};

function sortRows(rows: DeviceListItem[], sort: Sort): DeviceListItem[] {
  const key = sortValue[sort.key];
  const sign = sort.dir === 'asc' ? 1 : -1;
  // Keys computed once per row, not once per comparison: 10,000 rows sort in a few milliseconds.
  const keyed = rows.map((d) => ({ d, k: key(d), n: d.name.toLowerCase() }));
  keyed.sort((a, b) => (a.k < b.k ? -sign : a.k > b.k ? sign : a.n < b.n ? -1 : a.n > b.n ? 1 : a.d.id < b.d.id ? -1 : 1));
  return keyed.map((x) => x.d);
}

interface Column {
  id: string;
  header: string;
  width: string;
  sort?: SortKey;
}

const columns: Column[] = [
  { id: 'name', header: 'Device', width: 'minmax(140px, 1.3fr)', sort: 'name' },
  { id: 'state', header: 'Status', width: '150px', sort: 'state' },
  { id: 'transport', header: 'Transport', width: '92px', sort: 'transport' },
  { id: 'address', header: 'Address', width: '150px', sort: 'address' },
  { id: 'model', header: 'Active model', width: 'minmax(170px, 1.2fr)', sort: 'model' },
  { id: 'slot', header: 'Slot', width: '92px', sort: 'slot' },
  { id: 'health', header: 'Health', width: '100px', sort: 'health' },
  { id: 'drift', header: 'Drift (PSI)', width: '104px', sort: 'drift' },
  { id: 'change', header: 'Last change', width: '150px', sort: 'change' },
  { id: 'lastSeen', header: 'Last seen', width: '92px', sort: 'lastSeen' },
  { id: 'labels', header: 'Groups / tags', width: 'minmax(120px, 1fr)' },
];
const template = `48px ${columns.map((c) => c.width).join(' ')}`;
const minWidth = 1414;

type Tone = 'success' | 'warning' | 'error' | 'info' | 'primary' | 'default';

/** Chip looks as in device-look.tsx, drawn as plain spans: a row must mount in well under a millisecond. */
const stateTone: Record<DeviceSummary['state'], [Tone, 'filled' | 'outlined']> = {
  online: ['success', 'filled'],
  trial: ['warning', 'filled'],
  offline: ['default', 'filled'],
  error: ['error', 'filled'],
  discovered: ['primary', 'outlined'],
  busy: ['info', 'outlined'],
};
const driftTone: Record<NonNullable<DeviceListItem['drift']>['level'], Tone> = { ok: 'success', watch: 'warning', act: 'error' };
const driftWords: Record<NonNullable<DeviceListItem['drift']>['level'], string> = { ok: 'below 0.1, nothing to do', watch: '0.1 to 0.25, watch', act: '0.25 or more, act' };

/** What a device last did to its model, in a word; a revert it made by itself is shown, not counted as a fault. */
const changeLabel: Record<string, string> = {
  'trial-started': 'On trial',
  confirmed: 'Confirmed',
  'auto-confirmed': 'Confirmed',
  'rolled-back': 'Rolled back',
  'trial-unhealthy': 'Reverted',
  'reverted-at-start': 'Reverted',
  'active-unloadable': 'Reverted',
};

const healthLook: Record<DeviceSummary['health'], [string, Tone]> = {
  ok: ['Healthy', 'success'],
  warning: ['Warning', 'warning'],
  error: ['Unhealthy', 'error'],
  unknown: ['Unknown', 'default'],
};

/** The grid's whole look, set once on its container; rows are plain elements with class names. */
const gridCss = {
  height: '100%',
  overflow: 'auto',
  position: 'relative',
  fontSize: 13,
  '& .ef-row': {
    position: 'absolute',
    left: 0,
    right: 0,
    height: rowHeight,
    display: 'grid',
    gridTemplateColumns: template,
    borderBottom: '1px solid',
    borderColor: 'divider',
    cursor: 'pointer',
    contain: 'strict',
    '&:hover': { bgcolor: 'action.hover' },
    '&[aria-selected="true"]': { bgcolor: 'action.selected' },
  },
  '& .ef-cell': { display: 'flex', alignItems: 'center', px: 1, overflow: 'hidden', whiteSpace: 'nowrap', minWidth: 0 },
  '& .ef-ellipsis': { overflow: 'hidden', textOverflow: 'ellipsis' },
  '& .ef-check': { justifyContent: 'center', px: 0, '& input': { width: 16, height: 16, accentColor: '#4db6ff', cursor: 'pointer' } },
  '& .ef-mono': { fontFamily: monoFont, fontSize: 12 },
  '& .ef-muted': { color: 'text.disabled' },
  '& .ef-minor': { color: 'text.secondary', fontSize: 12, ml: 0.5 },
  '& .ef-chip': {
    display: 'inline-flex',
    alignItems: 'center',
    height: 22,
    px: 1,
    borderRadius: 11,
    fontSize: 12,
    lineHeight: 1,
    border: '1px solid transparent',
    whiteSpace: 'nowrap',
  },
  '& .ef-chip.ef-wide': { minWidth: 76, justifyContent: 'center' },
  '& .ef-chip.ef-small': { height: 18, fontSize: 11, px: 0.75, mr: 0.5 },
  ...Object.fromEntries(
    (['success', 'warning', 'error', 'info', 'primary'] as const).flatMap((t) => [
      [`& .ef-chip.ef-filled.ef-${t}`, { bgcolor: `${t}.main`, color: `${t}.contrastText` }],
      [`& .ef-chip.ef-outlined.ef-${t}`, { borderColor: `${t}.main`, color: `${t}.main` }],
    ]),
  ),
  '& .ef-chip.ef-filled.ef-default': { bgcolor: 'rgba(255,255,255,0.16)', color: 'text.primary' },
  '& .ef-chip.ef-outlined.ef-default': { borderColor: 'rgba(255,255,255,0.3)', color: 'text.primary' },
  '& .ef-pair': {
    font: 'inherit',
    fontSize: 12,
    fontWeight: 600,
    color: 'primary.main',
    bgcolor: 'transparent',
    border: '1px solid',
    borderColor: 'primary.main',
    borderRadius: 1,
    px: 1,
    py: 0.25,
    cursor: 'pointer',
  },
} as const;

const chip = (tone: Tone, variant: 'filled' | 'outlined', extra = '') => `ef-chip ef-${variant} ef-${tone}${extra}`;

/** Up to three small chips and "+n". */
function Labels({ tags, groups }: { tags: string[]; groups: string[] }) {
  const all = [...groups.map((g) => ({ k: `g:${g}`, label: g, group: true })), ...tags.map((t) => ({ k: `t:${t}`, label: t, group: false }))];
  if (all.length === 0) return <span className="ef-muted">—</span>;
  return (
    <span className="ef-ellipsis" title={all.map((a) => (a.group ? `group ${a.label}` : a.label)).join(', ')}>
      {all.slice(0, 3).map((a) => (
        <span key={a.k} className={chip('default', a.group ? 'filled' : 'outlined', ' ef-small')}>
          {a.label}
        </span>
      ))}
      {all.length > 3 && <span className="ef-minor">+{all.length - 3}</span>}
    </span>
  );
}

interface RowProps {
  device: DeviceListItem;
  index: number;
  selected: boolean;
  onToggle: (id: string) => void;
  onPair: (d: DeviceListItem) => void;
}

/** One device; re-renders only when its summary object, its place or its tick changes. */
const DeviceRow = memo(function DeviceRow({ device: d, index, selected, onToggle, onPair }: RowProps) {
  const [stone, svariant] = stateTone[d.state] ?? ['default', 'outlined'];
  const [hlabel, htone] = healthLook[d.health] ?? healthLook.unknown;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="device-row"
      data-id={d.id}
      className="ef-row device-row"
      style={{ top: headerHeight + index * rowHeight }}
      onClick={() => navigate(deviceHref(d.id))}
    >
      <div role="gridcell" className="ef-cell ef-check" onClick={(e) => e.stopPropagation()}>
        <input type="checkbox" checked={selected} onChange={() => onToggle(d.id)} aria-label={`Select ${d.name}`} />
      </div>
      <div role="gridcell" className="ef-cell" title={d.name}>
        <span className="ef-ellipsis">{d.name}</span>
      </div>
      <div role="gridcell" className="ef-cell" style={{ gap: 6 }}>
        <span className={chip(stone, svariant, ' ef-wide')} data-testid="device-state" data-state={d.state}>
          {stateLabel(d.state)}
        </span>
        {/* Only a LAN agent pairs by address here; serial ports pair in their dialog, SSH hosts are provisioned. */}
        {!d.paired && d.transport === 'lan' && (
          <button
            type="button"
            className="ef-pair"
            title="Pair this agent with the code it shows"
            data-testid="pair-open"
            onClick={(e) => {
              e.stopPropagation();
              onPair(d);
            }}
          >
            Pair
          </button>
        )}
      </div>
      <div role="gridcell" className="ef-cell">
        {transportLabel[d.transport] ?? d.transport}
      </div>
      <div role="gridcell" className="ef-cell ef-mono" title={d.address}>
        <span className="ef-ellipsis">{d.address}</span>
      </div>
      <div role="gridcell" className="ef-cell" data-testid="device-model">
        {d.activeModel ? (
          <span className="ef-ellipsis">
            {d.activeModel.name}
            <span className="ef-minor">{d.activeModel.version}</span>
          </span>
        ) : (
          <span className="ef-muted">none</span>
        )}
      </div>
      <div role="gridcell" className="ef-cell" data-testid="device-slot">
        {d.slotState === 'trial' ? <span className={chip('warning', 'outlined')}>Trial</span> : d.slotState ? slotLabel[d.slotState] : <span className="ef-muted">—</span>}
      </div>
      <div role="gridcell" className="ef-cell">
        <span className={chip(htone, 'outlined')} data-testid="device-health" data-health={d.health}>
          {hlabel}
        </span>
      </div>
      <div role="gridcell" className="ef-cell" data-testid="device-drift" data-level={d.drift?.level} title={d.drift ? `Worst statistic's PSI over the last hour of ${d.drift.samples} samples: ${driftWords[d.drift.level]}` : 'Not judged: no drift window of the active model with a reference in the last hour'}>
        {d.drift ? (
          <span className={chip(driftTone[d.drift.level], 'outlined')} style={{ fontVariantNumeric: 'tabular-nums' }}>
            {d.drift.psi < 10 ? d.drift.psi.toFixed(2) : Math.round(d.drift.psi)}
          </span>
        ) : (
          <span className="ef-muted">—</span>
        )}
      </div>
      <div role="gridcell" className="ef-cell" data-testid="device-change" data-reverted={d.lastChange?.reverted ? 'true' : undefined} title={d.lastChange ? formatTime(d.lastChange.at) : undefined}>
        {d.lastChange ? (
          <>
            {d.lastChange.reverted ? <span className={chip('warning', 'outlined')}>Reverted</span> : <span>{changeLabel[d.lastChange.kind] ?? d.lastChange.kind}</span>}
            <span className="ef-minor" style={{ fontVariantNumeric: 'tabular-nums' }}>
              {formatAgo(d.lastChange.at)}
            </span>
          </>
        ) : (
          <span className="ef-muted">—</span>
        )}
      </div>
      <div role="gridcell" className="ef-cell" style={{ fontVariantNumeric: 'tabular-nums' }} title={formatTime(d.lastSeen)}>
        {formatAgo(d.lastSeen)}
      </div>
      <div role="gridcell" className="ef-cell">
        <Labels tags={d.tags} groups={d.groups} />
      </div>
    </div>
  );
});

interface HeaderProps {
  sort: Sort;
  onSort: (key: SortKey) => void;
  all: boolean;
  some: boolean;
  disabled: boolean;
  onToggleAll: () => void;
}

/** Column titles (click to sort) and the select-all box; memoized so scrolling does not redraw it. */
const Header = memo(function Header({ sort, onSort, all, some, disabled, onToggleAll }: HeaderProps) {
  return (
    <Box
      role="row"
      aria-rowindex={1}
      sx={{
        position: 'sticky',
        top: 0,
        zIndex: 2,
        height: headerHeight,
        display: 'grid',
        gridTemplateColumns: template,
        bgcolor: '#1b2530',
        borderBottom: 1,
        borderColor: 'divider',
        fontWeight: 600,
      }}
    >
      <div role="columnheader" className="ef-cell ef-check">
        <input
          type="checkbox"
          checked={all}
          ref={(el) => {
            if (el) el.indeterminate = some && !all;
          }}
          onChange={onToggleAll}
          disabled={disabled}
          aria-label="Select all devices shown"
          data-testid="select-all-devices"
        />
      </div>
      {columns.map((c) => (
        <div
          key={c.id}
          role="columnheader"
          aria-sort={c.sort && sort.key === c.sort ? (sort.dir === 'asc' ? 'ascending' : 'descending') : undefined}
          className="ef-cell"
        >
          {c.sort ? (
            <TableSortLabel active={sort.key === c.sort} direction={sort.key === c.sort ? sort.dir : 'asc'} onClick={() => onSort(c.sort!)} data-testid={`sort-${c.id}`}>
              {c.header}
            </TableSortLabel>
          ) : (
            c.header
          )}
        </div>
      ))}
    </Box>
  );
});

/** The first and last row index worth drawing for a scroll position. */
function visibleRange(scrollTop: number, viewport: number, count: number): [number, number] {
  const first = Math.max(0, Math.floor((scrollTop - headerHeight) / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return [first, last];
}

interface Props {
  rows: DeviceListItem[];
  loading: boolean;
  selected: ReadonlySet<string>;
  onSelectionChange: (ids: Set<string>) => void;
  /** Must be stable (useCallback): every row holds it. */
  onPair: (d: DeviceListItem) => void;
}

/**
 * The fleet as a virtualized grid: only the rows in view (and a few around them) exist in the page, so
 * 10,000 devices scroll and update as smoothly as ten. Sortable columns, checkbox selection for Deploy;
 * a row opens its device page.
 */
export const DevicesGrid = memo(function DevicesGrid({ rows, loading, selected, onSelectionChange, onPair }: Props) {
  const [sort, setSort] = useState<Sort>({ key: 'name', dir: 'asc' });
  const sorted = useMemo(() => sortRows(rows, sort), [rows, sort]);
  const scroller = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setView((v) => (v.height === el.clientHeight && v.top === el.scrollTop ? v : { top: el.scrollTop, height: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  const onScroll = useCallback(() => {
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const el = scroller.current;
      if (el) setView({ top: el.scrollTop, height: el.clientHeight });
    });
  }, []);

  // The selection is kept in a ref for the row callbacks, so a tick does not re-render every row.
  const selectedRef = useRef(selected);
  selectedRef.current = selected;
  const onToggle = useCallback(
    (id: string) => {
      const next = new Set(selectedRef.current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      onSelectionChange(next);
    },
    [onSelectionChange],
  );

  const selectedShown = useMemo(() => rows.reduce((n, r) => n + (selected.has(r.id) ? 1 : 0), 0), [rows, selected]);
  const allShown = rows.length > 0 && selectedShown === rows.length;
  const toggleAll = useCallback(() => onSelectionChange(allShown ? new Set() : new Set(rows.map((r) => r.id))), [allShown, rows, onSelectionChange]);

  const onSort = useCallback((key: SortKey) => setSort((s) => (s.key === key ? { key, dir: s.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' })), []);

  const [first, last] = visibleRange(view.top, view.height, sorted.length);
  const drawn: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    const d = sorted[i];
    drawn.push(<DeviceRow key={d.id} device={d} index={i} selected={selected.has(d.id)} onToggle={onToggle} onPair={onPair} />);
  }

  return (
    <Box
      ref={scroller}
      onScroll={onScroll}
      role="grid"
      aria-rowcount={sorted.length + 1}
      aria-busy={loading}
      data-rows={sorted.length}
      data-drawn={last - first}
      sx={gridCss}
    >
      <Box sx={{ position: 'relative', minWidth, height: headerHeight + Math.max(1, sorted.length) * rowHeight }}>
        <Header sort={sort} onSort={onSort} all={allShown} some={selectedShown > 0} disabled={rows.length === 0} onToggleAll={toggleAll} />
        {loading && <LinearProgress sx={{ position: 'absolute', top: headerHeight - 2, left: 0, right: 0, zIndex: 3 }} />}
        {!loading && sorted.length === 0 && (
          <Typography sx={{ position: 'absolute', top: headerHeight + 8, left: 16 }} color="text.secondary">
            No devices match these filters.
          </Typography>
        )}
        {drawn}
      </Box>
    </Box>
  );
});
