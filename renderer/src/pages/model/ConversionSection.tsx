import { Alert, Button, Chip, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import type { TfliteConversionRecipe } from '../../../../electron/core/api/tflite-conversion.js';
import { SectionCard } from '../../components/SectionCard.js';
import { href } from '../../router/hash-route.js';
import { monoFont } from '../../theme.js';

const statusChip = {
  agreed: { label: 'Outputs agree with TFLite', color: 'success' },
  differs: { label: 'Outputs differ from TFLite', color: 'error' },
  unverified: { label: 'Not compared with TFLite', color: 'warning' },
} as const;

/** The ONNX form of a TFLite model: where it came from and how its outputs compare with TFLite's own. */
export function ConversionSection({ recipe, sourceId }: { recipe: TfliteConversionRecipe; sourceId: string | null }) {
  const a = recipe.agreement;
  const chip = statusChip[a.status];
  return (
    <SectionCard
      title="Converted from TensorFlow Lite"
      subtitle={`ONNX opset ${recipe.opset} · ${recipe.nchwIo ? 'NCHW' : 'NHWC'} inputs and outputs${recipe.quantized ? ' · quantized (QDQ, TFLite’s own scales)' : ''}${recipe.signature ? ` · signature "${recipe.signature}"` : ''}`}
      actions={sourceId ? <Button size="small" href={href('models', [sourceId])}>Open the .tflite original</Button> : undefined}
      testId="conversion-section"
    >
      <Stack spacing={1.5} sx={{ pb: 2 }}>
        <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }}>
          <Chip label={chip.label} color={chip.color} data-testid="agreement-chip" data-status={a.status} />
          <Typography variant="body2">{a.summary}</Typography>
        </Stack>
        {a.reference && (
          <Typography variant="caption" color="text.secondary">
            Reference: {a.reference}, seeded inputs (seed {a.seed}).
          </Typography>
        )}
        {a.status === 'differs' && (
          <Alert severity="error">This conversion is outside the tolerances (float: 1e-4 of the output’s range; quantized: 4 quanta and the same top-1). Do not deploy it; report the model.</Alert>
        )}
        {a.outputs.length > 0 && (
          <Table size="small" data-testid="agreement-table">
            <TableHead>
              <TableRow>
                <TableCell>Output</TableCell>
                <TableCell>Kind</TableCell>
                <TableCell align="right">max |Δ|</TableCell>
                <TableCell align="right">max quanta</TableCell>
                <TableCell>Top-1</TableCell>
                <TableCell>Result</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {a.outputs.map((o) => (
                <TableRow key={o.name}>
                  <TableCell sx={{ fontFamily: monoFont }}>{o.name}</TableCell>
                  <TableCell>{o.kind}</TableCell>
                  <TableCell align="right" sx={{ fontFamily: monoFont }}>{o.maxAbsDiff.toExponential(2)}</TableCell>
                  <TableCell align="right" sx={{ fontFamily: monoFont }}>{o.maxQuanta ?? '—'}</TableCell>
                  <TableCell>{o.top1Same === undefined ? '—' : o.top1Same ? 'same' : 'differs'}</TableCell>
                  <TableCell>{o.pass ? 'within tolerance' : (o.why ?? 'outside tolerance')}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        )}
        {recipe.notes.map((n) => (
          <Typography key={n} variant="body2" color="text.secondary">
            {n}
          </Typography>
        ))}
      </Stack>
    </SectionCard>
  );
}
