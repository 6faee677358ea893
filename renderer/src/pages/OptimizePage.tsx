import TuneIcon from '@mui/icons-material/Tune';
import { Box, Card, CardContent, Chip, List, ListItem, ListItemText, Typography } from '@mui/material';
import { Page } from '../components/Page.js';

const planned = [
  ['INT8 dynamic quantization', 'Weights stored as 8-bit integers, activations quantized on the fly. No calibration data needed; usually 2–4× smaller and faster on CPUs with integer dot-product instructions.'],
  ['INT8 static quantization', 'Weights and activations in 8-bit, with scales calibrated on a small set of your own inputs. The fastest option on most edge CPUs and NPUs.'],
  ['FP16 conversion', 'Half-precision weights: half the size, faster on GPUs and accelerators that run FP16 natively.'],
  ['ORT format', 'Pre-optimized ONNX Runtime format for minimal builds on small devices: faster start-up, smaller runtime.'],
] as const;

/** Honest placeholder: optimization is the next milestone. */
export function OptimizePage() {
  return (
    <Page testId="page-optimize" title="Optimize" subtitle="Make a model smaller and faster for a target device.">
      <Card data-testid="coming-card">
        <CardContent>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
            <TuneIcon color="primary" />
            <Typography variant="h6" component="h2">
              Quantization arrives next
            </Typography>
            <Chip label="Not available yet" color="warning" variant="outlined" />
          </Box>
          <Typography variant="body2" color="text.secondary">
            This page cannot optimize models yet. When it does, each recipe will create a new version of the model in the
            registry (the original stays untouched), profile it on this workstation, and show the size, latency and
            accuracy change next to the original so you can decide before anything reaches a device.
          </Typography>
          <List dense>
            {planned.map(([title, text]) => (
              <ListItem key={title} disableGutters>
                <ListItemText primary={title} secondary={text} />
              </ListItem>
            ))}
          </List>
          <Typography variant="body2" color="text.secondary">
            Until then, use <b>Profiling</b> to measure a model and <b>Compare</b> two profiles of versions you optimized
            elsewhere.
          </Typography>
        </CardContent>
      </Card>
    </Page>
  );
}
