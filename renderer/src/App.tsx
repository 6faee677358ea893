import { lazy, Suspense } from 'react';
import { Box, CircularProgress } from '@mui/material';
import { AppShell } from './components/AppShell.js';
import { useRoute } from './router/useRoute.js';
import { FleetPage } from './pages/FleetPage.js';

// Fleet, the first page, comes with the app; the others (MUI X grids and charts) load on first visit.
const ModelsPage = lazy(() => import('./pages/ModelsPage.js').then((m) => ({ default: m.ModelsPage })));
const JobsPage = lazy(() => import('./pages/JobsPage.js').then((m) => ({ default: m.JobsPage })));
const ModelDetailPage = lazy(() => import('./pages/ModelDetailPage.js').then((m) => ({ default: m.ModelDetailPage })));
const ProfilingPage = lazy(() => import('./pages/ProfilingPage.js').then((m) => ({ default: m.ProfilingPage })));
const DevicePage = lazy(() => import('./pages/DevicePage.js').then((m) => ({ default: m.DevicePage })));
const OptimizePage = lazy(() => import('./pages/OptimizePage.js').then((m) => ({ default: m.OptimizePage })));
const RolloutsPage = lazy(() => import('./pages/RolloutsPage.js').then((m) => ({ default: m.RolloutsPage })));
const FederatedPage = lazy(() => import('./pages/FederatedPage.js').then((m) => ({ default: m.FederatedPage })));
const BundlesPage = lazy(() => import('./pages/BundlesPage.js').then((m) => ({ default: m.BundlesPage })));
const AuditPage = lazy(() => import('./pages/AuditPage.js').then((m) => ({ default: m.AuditPage })));

function Loading() {
  return (
    <Box sx={{ display: 'flex', justifyContent: 'center', p: 6 }}>
      <CircularProgress />
    </Box>
  );
}

export function App() {
  const route = useRoute();
  let page;
  switch (route.page) {
    case 'fleet':
      page = <FleetPage />;
      break;
    case 'models':
      page = <ModelsPage />;
      break;
    case 'model':
      page = <ModelDetailPage key={route.params[0]} id={route.params[0] ?? ''} />;
      break;
    case 'device':
      page = <DevicePage key={route.params[0]} id={route.params[0] ?? ''} />;
      break;
    case 'profiling':
      page = <ProfilingPage query={route.query} />;
      break;
    case 'optimize':
      page = <OptimizePage query={route.query} />;
      break;
    case 'rollouts':
      page = <RolloutsPage query={route.query} params={route.params} />;
      break;
    case 'federated':
      page = <FederatedPage params={route.params} />;
      break;
    case 'bundles':
      page = <BundlesPage />;
      break;
    case 'audit':
      page = <AuditPage />;
      break;
    case 'jobs':
      page = <JobsPage />;
      break;
  }
  return (
    // A device's page sits under Fleet in the navigation.
    <AppShell page={route.page === 'device' ? 'fleet' : route.page}>
      <Suspense fallback={<Loading />}>{page}</Suspense>
    </AppShell>
  );
}
