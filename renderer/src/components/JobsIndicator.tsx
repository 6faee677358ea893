import WorkHistoryIcon from '@mui/icons-material/WorkHistory';
import { Button, CircularProgress, Tooltip } from '@mui/material';
import { href, navigate } from '../router/hash-route.js';
import { useJobs } from '../store/useJobs.js';

/** App bar button: how many jobs run now (with a spinner); opens the Jobs page. */
export function JobsIndicator() {
  const jobs = useJobs();
  const running = jobs.filter((j) => j.state === 'running' || j.state === 'queued').length;
  const label = running === 0 ? 'No jobs running' : `${running} job${running === 1 ? '' : 's'} running`;
  return (
    <Tooltip title="Open the Jobs page">
      <Button
        data-testid="jobs-indicator"
        data-running={running}
        color="inherit"
        variant={running ? 'outlined' : 'text'}
        onClick={() => navigate(href('jobs'))}
        startIcon={running ? <CircularProgress size={16} color="inherit" /> : <WorkHistoryIcon fontSize="small" />}
        sx={{ borderColor: 'rgba(255,255,255,0.3)' }}
      >
        {label}
      </Button>
    </Tooltip>
  );
}
