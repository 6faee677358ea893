import { Box, CircularProgress, FormControlLabel, Switch } from '@mui/material';
import { useMemo, useState } from 'react';
import { ErrorCard } from '../../components/ErrorCard.js';
import { SectionCard } from '../../components/SectionCard.js';
import { GraphView } from '../../graph/GraphView.js';
import { withoutConstants } from '../../graph/without-constants.js';
import { useRequest } from '../../store/useRequest.js';

/** The model's network graph (`models.graph`), with Constant nodes hidden unless asked for. */
export function GraphSection({ id }: { id: string }) {
  const graph = useRequest('models.graph', { id });
  const [showConstants, setShowConstants] = useState(false);
  const shown = useMemo(() => {
    if (!graph.data) return null;
    return showConstants ? { graph: graph.data, hidden: 0 } : withoutConstants(graph.data);
  }, [graph.data, showConstants]);
  const all = graph.data;
  return (
    <SectionCard
      title="Network graph"
      subtitle={
        all && shown
          ? `${all.nodes.length} nodes · ${all.edges.length} edges · boxes coloured by op type${shown.hidden ? ` · ${shown.hidden} Constant nodes hidden` : ''}`
          : undefined
      }
      actions={
        all?.nodes.some((n) => n.opType === 'Constant') ? (
          <FormControlLabel
            control={<Switch size="small" checked={showConstants} onChange={(e) => setShowConstants(e.target.checked)} />}
            label="Show Constant nodes"
          />
        ) : undefined
      }
      flush
    >
      {graph.error && (
        <Box sx={{ p: 2 }}>
          <ErrorCard error={graph.error} onRetry={graph.reload} />
        </Box>
      )}
      {graph.loading && !all && (
        <Box sx={{ p: 4, display: 'flex', justifyContent: 'center' }}>
          <CircularProgress />
        </Box>
      )}
      {shown && <GraphView graph={shown.graph} />}
    </SectionCard>
  );
}
