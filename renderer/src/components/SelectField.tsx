import { TextField } from '@mui/material';
import type { ReactNode } from 'react';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  testId?: string;
  placeholder?: string;
  minWidth?: number;
  disabled?: boolean;
  helperText?: ReactNode;
}

/** A labelled native select: fast with long lists, keyboard friendly, and easy to drive from tests. */
export function SelectField({ label, value, onChange, options, testId, placeholder = 'Choose…', minWidth = 220, disabled, helperText }: Props) {
  return (
    <TextField
      select
      label={label}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      helperText={helperText}
      sx={{ minWidth }}
      slotProps={{ select: { native: true }, inputLabel: { shrink: true }, htmlInput: { 'data-testid': testId } }}
    >
      <option value="" disabled>
        {placeholder}
      </option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}
