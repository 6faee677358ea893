import CenterFocusStrongIcon from '@mui/icons-material/CenterFocusStrong';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import ZoomOutIcon from '@mui/icons-material/ZoomOut';
import { Box, CircularProgress, IconButton, Paper, Tooltip, Typography } from '@mui/material';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { ModelGraph } from '../../../electron/core/api/types.js';
import { opColor } from '../format/op-colors.js';
import { monoFont } from '../theme.js';
import type { GraphLayout } from './graph-layout.js';
import { useGraphLayout } from './useGraphLayout.js';

interface View {
  x: number;
  y: number;
  k: number;
}

const minK = 0.05;
const maxK = 4;

/** The drawing itself: plain SVG elements, built once per layout, no per-node state. */
function GraphDrawing({ layout }: { layout: GraphLayout }) {
  return (
    <>
      <g fill="none" stroke="#6f8193" strokeWidth={1.2} markerEnd="url(#ef-arrow)">
        {layout.edges.map((e) => (
          <path key={e.id} d={e.path}>
            <title>{e.tensor}</title>
          </path>
        ))}
      </g>
      <g fontFamily={monoFont} fontSize={11} textAnchor="middle" dominantBaseline="central">
        {layout.nodes.map((n) => {
          const io = n.kind !== 'op';
          const color = io ? '#c9d4de' : opColor(n.opType);
          return (
            <g key={n.id} transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}>
              <title>{io ? `${n.kind === 'input' ? 'Model input' : 'Model output'}: ${n.name}` : `${n.opType} · ${n.name}`}</title>
              <rect
                width={n.width}
                height={n.height}
                rx={io ? n.height / 2 : 4}
                fill={io ? '#222c36' : color}
                fillOpacity={io ? 1 : 0.22}
                stroke={color}
                strokeWidth={1.2}
              />
              <text x={n.width / 2} y={n.height / 2} fill={io ? '#c9d4de' : '#eef3f7'}>
                {n.label.length > 30 ? `${n.label.slice(0, 29)}…` : n.label}
              </text>
            </g>
          );
        })}
      </g>
    </>
  );
}

/** Network graph with drag-to-pan and wheel/button zoom; the transform is applied directly, not through React state. */
export function GraphView({ graph, height = 560 }: { graph: ModelGraph; height?: number }) {
  const layout = useGraphLayout(graph);
  const drawing = useMemo(() => (layout ? <GraphDrawing layout={layout} /> : null), [layout]);
  const svgRef = useRef<SVGSVGElement>(null);
  const groupRef = useRef<SVGGElement>(null);
  const view = useRef<View>({ x: 0, y: 0, k: 1 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);

  const apply = useCallback(() => {
    const { x, y, k } = view.current;
    groupRef.current?.setAttribute('transform', `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
  }, []);

  const zoomAt = useCallback(
    (factor: number, cx?: number, cy?: number) => {
      const svg = svgRef.current;
      if (!svg) return;
      const { x, y, k } = view.current;
      const px = cx ?? svg.clientWidth / 2;
      const py = cy ?? svg.clientHeight / 2;
      const nk = Math.min(maxK, Math.max(minK, k * factor));
      view.current = { k: nk, x: px - ((px - x) * nk) / k, y: py - ((py - y) * nk) / k };
      apply();
    },
    [apply],
  );

  /** Fits the whole graph; with `top`, fits the width only and starts at the model's inputs. */
  const fit = useCallback(
    (top: boolean) => {
      const svg = svgRef.current;
      if (!svg || !layout || layout.width === 0) return;
      const w = svg.clientWidth;
      const h = svg.clientHeight;
      const kw = (w - 16) / layout.width;
      const k = Math.min(1.2, top ? Math.max(kw, 0.5) : Math.min(kw, (h - 16) / layout.height));
      view.current = { k, x: (w - layout.width * k) / 2, y: top ? 8 : (h - layout.height * k) / 2 };
      apply();
    },
    [apply, layout],
  );

  useEffect(() => fit(true), [fit]);

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = svg.getBoundingClientRect();
      zoomAt(Math.exp(-e.deltaY * 0.0015), e.clientX - r.left, e.clientY - r.top);
    };
    svg.addEventListener('wheel', onWheel, { passive: false });
    return () => svg.removeEventListener('wheel', onWheel);
  }, [zoomAt]);

  return (
    <Box sx={{ position: 'relative' }}>
      <Box
        component="svg"
        ref={svgRef}
        data-testid="graph-view"
        data-nodes={graph.nodes.length}
        data-ready={layout ? 'true' : 'false'}
        role="img"
        aria-label={`Network graph with ${graph.nodes.length} nodes`}
        sx={{ display: 'block', width: '100%', height, bgcolor: '#10161c', cursor: 'grab', touchAction: 'none', '&:active': { cursor: 'grabbing' } }}
        onPointerDown={(e) => {
          drag.current = { x: e.clientX, y: e.clientY, vx: view.current.x, vy: view.current.y };
          e.currentTarget.setPointerCapture(e.pointerId);
        }}
        onPointerMove={(e) => {
          const d = drag.current;
          if (!d) return;
          view.current = { ...view.current, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y };
          apply();
        }}
        onPointerUp={() => (drag.current = null)}
        onPointerCancel={() => (drag.current = null)}
        onDoubleClick={() => fit(false)}
      >
        <defs>
          <marker id="ef-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" fill="#6f8193" />
          </marker>
        </defs>
        <g ref={groupRef}>{drawing}</g>
      </Box>
      {!layout && (
        <Box sx={{ position: 'absolute', inset: 0, display: 'flex', alignItems: 'center', justifyContent: 'center', gap: 1.5, pointerEvents: 'none' }}>
          <CircularProgress size={20} />
          <Typography variant="body2" color="text.secondary">
            Laying out {graph.nodes.length} nodes…
          </Typography>
        </Box>
      )}
      <Paper variant="outlined" sx={{ position: 'absolute', top: 8, right: 8, display: 'flex', flexDirection: 'column' }}>
        <Tooltip title="Zoom in" placement="left">
          <IconButton size="small" onClick={() => zoomAt(1.25)} aria-label="Zoom in" data-testid="graph-zoom-in">
            <ZoomInIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Tooltip title="Zoom out" placement="left">
          <IconButton size="small" onClick={() => zoomAt(0.8)} aria-label="Zoom out" data-testid="graph-zoom-out">
            <ZoomOutIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Tooltip title="Fit the whole graph" placement="left">
          <IconButton size="small" onClick={() => fit(false)} aria-label="Fit the whole graph" data-testid="graph-fit">
            <CenterFocusStrongIcon fontSize="small" />
          </IconButton>
        </Tooltip>
      </Paper>
      <Typography variant="caption" color="text.secondary" sx={{ position: 'absolute', left: 10, bottom: 6, pointerEvents: 'none' }}>
        Drag to pan · wheel to zoom · double-click to fit · hover a box for its name
      </Typography>
    </Box>
  );
}
