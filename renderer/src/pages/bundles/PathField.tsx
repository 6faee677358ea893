import { TextField } from '@mui/material';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  testId: string;
  placeholder?: string;
  helperText?: string;
  required?: boolean;
}

/** A path on the computer running the console (not the browser's): read and written there. */
export function PathField({ label, value, onChange, testId, placeholder, helperText, required }: Props) {
  return (
    <TextField
      fullWidth
      required={required}
      label={label}
      placeholder={placeholder}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      helperText={helperText}
      slotProps={{ inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId, spellCheck: false } }}
    />
  );
}
