import { Typography } from '@mui/material';
import { useDeferredValue, useState } from 'react';
import { useRequest } from '../../store/useRequest.js';

/** A target selector being typed, and how many devices it matches (asked once typing pauses). */
export function useSelectionPreview(open: boolean, initial = 'all') {
  const [selector, setSelector] = useState(initial);
  const planSelector = useDeferredValue(selector.trim());
  const preview = useRequest('rollouts.preview', open && planSelector ? { selector: planSelector } : null);
  return { selector, setSelector, planSelector, preview };
}

/** "12 devices match" (and what follows from it), or why the selector is wrong. */
export function SelectionCount({ preview, testId, then }: { preview: ReturnType<typeof useSelectionPreview>['preview']; testId: string; then?: string }) {
  const n = preview.data?.deviceCount;
  return (
    <Typography variant="body2" data-testid={testId}>
      {preview.error ? preview.error.detail : n !== undefined ? `${n} device${n === 1 ? '' : 's'} match${then ? `; ${then}` : ''}` : 'Counting…'}
    </Typography>
  );
}
