import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import { Box, Card, CardContent, Chip, List, ListItem, ListItemText, Typography } from '@mui/material';
import { Page } from '../components/Page.js';

const planned = [
  ['Staged rollouts', 'Send a model version to a few devices first (a canary), then to larger groups, instead of the whole line at once.'],
  ['Health gates', 'Each stage waits for the devices to report latency, error rate and memory within limits you set; a failing gate stops the rollout and rolls those devices back.'],
  ['A/B comparison', 'Run two versions side by side on matched devices and compare their live metrics before promoting one.'],
] as const;

/** Honest placeholder: rollouts need the device agent, which is not there yet. */
export function RolloutsPage() {
  return (
    <Page testId="page-rollouts" title="Rollouts" subtitle="Deliver model versions to devices safely.">
      <Card data-testid="coming-card">
        <CardContent>
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, mb: 1 }}>
            <RocketLaunchIcon color="primary" />
            <Typography variant="h6" component="h2">
              Rollouts are coming
            </Typography>
            <Chip label="Not available yet" color="warning" variant="outlined" />
          </Box>
          <Typography variant="body2" color="text.secondary">
            Rollouts need the EdgeFleet device agent, which is not released yet, so no model can be sent to a device from
            here today. This is what the page will do:
          </Typography>
          <List dense>
            {planned.map(([title, text]) => (
              <ListItem key={title} disableGutters>
                <ListItemText primary={title} secondary={text} />
              </ListItem>
            ))}
          </List>
        </CardContent>
      </Card>
    </Page>
  );
}
