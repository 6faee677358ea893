import { createTheme } from '@mui/material/styles';

const systemFont = [
  'system-ui',
  '-apple-system',
  '"Segoe UI"',
  'Roboto',
  '"Helvetica Neue"',
  'Arial',
  '"Noto Sans"',
  '"Liberation Sans"',
  'sans-serif',
].join(',');

export const monoFont = ['ui-monospace', '"SFMono-Regular"', '"Cascadia Mono"', 'Consolas', '"Liberation Mono"', 'Menlo', 'monospace'].join(',');

/** A dark, high-contrast industrial theme; system fonts only (works offline). */
export const theme = createTheme({
  palette: {
    mode: 'dark',
    primary: { main: '#4db6ff', contrastText: '#061521' },
    secondary: { main: '#ffb547' },
    success: { main: '#4cc98a' },
    error: { main: '#ff6b6b' },
    warning: { main: '#ffb547' },
    info: { main: '#7fb8e6' },
    background: { default: '#0f1419', paper: '#171f28' },
    divider: 'rgba(180, 200, 220, 0.14)',
    text: { primary: '#e7edf3', secondary: '#9fb0c0' },
  },
  shape: { borderRadius: 6 },
  typography: {
    fontFamily: systemFont,
    fontSize: 13,
    h4: { fontSize: '1.5rem', fontWeight: 600, letterSpacing: 0 },
    h5: { fontSize: '1.25rem', fontWeight: 600 },
    h6: { fontSize: '1.05rem', fontWeight: 600 },
    subtitle2: { fontWeight: 600 },
    overline: { fontWeight: 600, letterSpacing: '0.08em' },
    button: { textTransform: 'none', fontWeight: 600 },
  },
  components: {
    MuiCssBaseline: {
      styleOverrides: {
        body: { scrollbarColor: '#3a4654 #11171e' },
        code: { fontFamily: monoFont },
      },
    },
    MuiPaper: { styleOverrides: { root: { backgroundImage: 'none' } } },
    MuiCard: { defaultProps: { variant: 'outlined' } },
    MuiButton: { defaultProps: { disableElevation: true } },
    MuiTextField: { defaultProps: { size: 'small' } },
    MuiChip: { defaultProps: { size: 'small' } },
    MuiTooltip: { defaultProps: { arrow: true } },
    MuiAppBar: { defaultProps: { elevation: 0 } },
  },
});
