import { Chip, Table, TableBody, TableCell, TableHead, TableRow } from '@mui/material';
import type { TensorInfo } from '../../../../electron/core/api/types.js';
import { formatShape } from '../../format/format.js';
import { monoFont } from '../../theme.js';

/** The model's inputs and outputs: name, element type, shape (symbolic dims shown by name). */
export function IoTable({ inputs, outputs }: { inputs: TensorInfo[]; outputs: TensorInfo[] }) {
  const rows = [...inputs.map((t) => ['Input', t] as const), ...outputs.map((t) => ['Output', t] as const)];
  return (
    <Table size="small" data-testid="io-table">
      <TableHead>
        <TableRow>
          <TableCell>Direction</TableCell>
          <TableCell>Name</TableCell>
          <TableCell>Type</TableCell>
          <TableCell>Shape</TableCell>
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
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
