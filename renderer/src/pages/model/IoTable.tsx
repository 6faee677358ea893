import { Chip, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { TensorInfo } from '../../../../electron/core/api/types.js';
import { formatShape } from '../../format/format.js';
import { monoFont } from '../../theme.js';

function quantization(q: TensorInfo['quantization']): string {
  if (!q || q.scale.length === 0) return '—';
  if (q.axis !== null) return `per-axis (axis ${q.axis}, ${q.scale.length} scales)`;
  return `scale ${q.scale[0].toPrecision(4)} · zero point ${q.zeroPoint[0] ?? 0}`;
}

/** The model's inputs and outputs: name, element type, shape (symbolic dims shown by name), and quantization where the format records it. */
export function IoTable({ inputs, outputs }: { inputs: TensorInfo[]; outputs: TensorInfo[] }) {
  const rows = [...inputs.map((t) => ['Input', t] as const), ...outputs.map((t) => ['Output', t] as const)];
  const quantized = rows.some(([, t]) => t.quantization !== undefined);
  return (
    <Table size="small" data-testid="io-table">
      <TableHead>
        <TableRow>
          <TableCell>Direction</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Shape</TableCell>
          {quantized && <TableCell>Quantization</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(([dir, t]) => (
          <TableRow key={`${dir}:${t.name}`}>
            <TableCell>
              <Chip label={dir} variant="outlined" color={dir === 'Input' ? 'primary' : 'secondary'} />
            </TableCell>
            <TableCell sx={{ fontFamily: monoFont, overflowWrap: 'anywhere' }}>{t.name}</TableCell>
            <TableCell sx={{ fontFamily: monoFont }}>{t.elemType}</TableCell>
            <TableCell sx={{ fontFamily: monoFont }}>{formatShape(t.shape)}</TableCell>
            {quantized && <TableCell sx={{ fontFamily: monoFont }}>{quantization(t.quantization)}</TableCell>}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
