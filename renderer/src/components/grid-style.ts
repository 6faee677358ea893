import { monoFont } from '../theme.js';

/** Shared look for DataGrids: dense, readable, clickable rows when asked. */
export const gridSx = (clickable = false) => ({
  border: 0,
  '--DataGrid-containerBackground': '#1b2530',
  '& .MuiDataGrid-columnHeaderTitle': { fontWeight: 600 },
  '& .MuiDataGrid-cell:focus, & .MuiDataGrid-cell:focus-within': { outline: 'none' },
  '& .MuiDataGrid-row': clickable ? { cursor: 'pointer' } : {},
  '& .num': { fontVariantNumeric: 'tabular-nums' },
  '& .mono': { fontFamily: monoFont, fontSize: 12 },
});
