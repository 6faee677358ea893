import DeveloperBoardIcon from '@mui/icons-material/DeveloperBoard';
import HubIcon from '@mui/icons-material/Hub';
import Inventory2Icon from '@mui/icons-material/Inventory2';
import ListAltIcon from '@mui/icons-material/ListAlt';
import ModelTrainingIcon from '@mui/icons-material/ModelTraining';
import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import RocketLaunchIcon from '@mui/icons-material/RocketLaunch';
import SpeedIcon from '@mui/icons-material/Speed';
import TuneIcon from '@mui/icons-material/Tune';
import ViewInArIcon from '@mui/icons-material/ViewInAr';
import {
  AppBar,
  Box,
  Drawer,
  List,
  ListItemButton,
  ListItemIcon,
  ListItemText,
  Toolbar,
  Typography,
} from '@mui/material';
import type { ReactNode } from 'react';
import { href, type PageName } from '../router/hash-route.js';
import { JobsIndicator } from './JobsIndicator.js';
import { ReconnectBanner } from './ReconnectBanner.js';

const drawerWidth = 200;

type NavPage = Exclude<PageName, 'model'>;

const nav: { page: NavPage; label: string; icon: ReactNode }[] = [
  { page: 'fleet', label: 'Fleet', icon: <DeveloperBoardIcon /> },
  { page: 'models', label: 'Models', icon: <ViewInArIcon /> },
  { page: 'profiling', label: 'Profiling', icon: <SpeedIcon /> },
  { page: 'optimize', label: 'Optimize', icon: <TuneIcon /> },
  { page: 'rollouts', label: 'Rollouts', icon: <RocketLaunchIcon /> },
  { page: 'federated', label: 'Federated', icon: <ModelTrainingIcon /> },
  { page: 'bundles', label: 'Bundles', icon: <Inventory2Icon /> },
  { page: 'jobs', label: 'Jobs', icon: <ListAltIcon /> },
  { page: 'audit', label: 'Audit', icon: <ReceiptLongIcon /> },
];

/** App bar, navigation drawer and the page area. */
export function AppShell({ page, children }: { page: PageName; children: ReactNode }) {
  const current: NavPage = page === 'model' ? 'models' : page;
  return (
    <Box sx={{ display: 'flex', height: '100vh', overflow: 'hidden' }}>
      <AppBar position="fixed" sx={{ zIndex: (t) => t.zIndex.drawer + 1, bgcolor: '#0b1015', borderBottom: 1, borderColor: 'divider' }}>
        <Toolbar variant="dense" sx={{ gap: 2 }}>
          <HubIcon sx={{ color: 'primary.main' }} />
          <Typography variant="h6" component="div" sx={{ fontWeight: 700, letterSpacing: '0.02em' }}>
            EdgeFleet
          </Typography>
          <Typography variant="caption" color="text.secondary" sx={{ display: { xs: 'none', sm: 'block' } }}>
            Fleet operations for edge ML
          </Typography>
          <Box sx={{ flex: 1 }} />
          <JobsIndicator />
        </Toolbar>
      </AppBar>
      <Drawer
        variant="permanent"
        sx={{ width: drawerWidth, flexShrink: 0 }}
        slotProps={{ paper: { sx: { width: drawerWidth, boxSizing: 'border-box', bgcolor: '#121920' } } }}
      >
        <Toolbar variant="dense" />
        <List component="nav" aria-label="Main" sx={{ px: 1, py: 1.5 }}>
          {nav.map((item) => {
            const selected = item.page === current;
            return (
              <ListItemButton
                key={item.page}
                component="a"
                href={href(item.page)}
                selected={selected}
                aria-current={selected ? 'page' : undefined}
                data-testid={`nav-${item.page}`}
                sx={{
                  borderRadius: 1,
                  mb: 0.5,
                  '&.Mui-selected': { bgcolor: 'rgba(77,182,255,0.16)', color: 'primary.main' },
                  '&.Mui-selected .MuiListItemIcon-root': { color: 'primary.main' },
                }}
              >
                <ListItemIcon sx={{ minWidth: 36 }}>{item.icon}</ListItemIcon>
                <ListItemText primary={item.label} />
              </ListItemButton>
            );
          })}
        </List>
      </Drawer>
      <Box component="main" sx={{ flex: 1, minWidth: 0, display: 'flex', flexDirection: 'column', overflow: 'hidden' }}>
        <Toolbar variant="dense" />
        <ReconnectBanner />
        <Box sx={{ flex: 1, overflow: 'auto' }}>{children}</Box>
      </Box>
    </Box>
  );
}
