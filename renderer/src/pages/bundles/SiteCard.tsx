import { Box, Typography } from '@mui/material';
import type { TrustedSite } from './bundle-types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatTime } from '../../format/format.js';

/** The site whose bundles this console accepts, pinned by the first import's root fingerprint. */
export function SiteCard({ site }: { site: TrustedSite | null }) {
  return (
    <SectionCard title="This console's site" testId="bundle-site">
      {site ? (
        <Box sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.5, alignItems: 'baseline' }}>
          <Typography variant="body2" color="text.secondary">
            Site
          </Typography>
          <Typography variant="body1" data-testid="bundle-site-name">
            {site.site}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Root fingerprint
          </Typography>
          <Typography variant="body2" data-testid="bundle-site-root" sx={{ fontFamily: 'monospace', overflowWrap: 'anywhere' }}>
            {site.rootSha256}
          </Typography>
          <Typography variant="body2" color="text.secondary">
            Trusted since
          </Typography>
          <Typography variant="body2">{formatTime(site.trustedAt)}</Typography>
        </Box>
      ) : (
        <Typography variant="body2" color="text.secondary" data-testid="bundle-site-none">
          This console has imported no bundle. The first import pins the release authority: give its root fingerprint, as the connected console showed it when the bundle was made.
        </Typography>
      )}
    </SectionCard>
  );
}
