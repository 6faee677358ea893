import { Alert, Box, Button, Chip, Stack, Typography } from '@mui/material';
import type { ModelSummary, TfliteInspect } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { href } from '../../router/hash-route.js';
import { monoFont } from '../../theme.js';

/** A TFLite original: its signatures, whether it converts to ONNX (every stopping operator named), and its conversion. */
export function TfliteSection({ tflite, conversion }: { tflite: TfliteInspect; conversion: ModelSummary | null }) {
  return (
    <SectionCard title="TensorFlow Lite" subtitle={`Schema ${tflite.schemaVersion}${tflite.minRuntimeVersion ? ` · needs TFLite ${tflite.minRuntimeVersion} or later` : ''} · ${tflite.subgraphs} subgraph${tflite.subgraphs === 1 ? '' : 's'}`} testId="tflite-section">
      <Stack spacing={1.5} sx={{ pb: 2 }}>
        {tflite.convertible ? (
          <Alert severity="success" data-testid="tflite-convertible">
            Converts to ONNX: every operator has an ONNX form.{' '}
            {conversion ? (
              <Button size="small" href={href('models', [conversion.id])} data-testid="tflite-conversion-link">
                Open its ONNX conversion ({conversion.name} v{conversion.version})
              </Button>
            ) : (
              'Import it to keep the conversion in the registry.'
            )}
          </Alert>
        ) : (
          <Alert severity="error" data-testid="tflite-unsupported">
            Does not convert to ONNX:{' '}
            {tflite.unsupported.map((u) => (
              <Box component="span" key={u.op} sx={{ display: 'block', fontFamily: monoFont }}>
                {u.op} ×{u.count}: {u.reasons.join('; ')}
              </Box>
            ))}
          </Alert>
        )}
        {tflite.signatures.length > 0 && (
          <Box data-testid="tflite-signatures">
            <Typography variant="subtitle2">Signatures</Typography>
            {tflite.signatures.map((s) => (
              <Typography key={s.key} variant="body2" sx={{ fontFamily: monoFont }}>
                <Chip label={s.key} size="small" sx={{ mr: 1 }} />
                subgraph {s.subgraphIndex}: {s.inputs.join(', ')} → {s.outputs.join(', ')}
              </Typography>
            ))}
          </Box>
        )}
        {tflite.notes.length > 0 && (
          <Box data-testid="tflite-notes">
            <Typography variant="subtitle2">What the reader normalised</Typography>
            {tflite.notes.map((n) => (
              <Typography key={n} variant="body2" color="text.secondary">
                {n}
              </Typography>
            ))}
          </Box>
        )}
      </Stack>
    </SectionCard>
  );
}
