import { Box, Chip, Tooltip, Typography } from '@mui/material';
import type { DeviceDetail } from '../../../../electron/core/api/types.js';
import { SectionCard } from '../../components/SectionCard.js';
import { formatBytes, formatTime } from '../../format/format.js';
import { monoFont } from '../../theme.js';
import { featureGloss, inferenceFeatures } from './cpu-features.js';
import { Fact } from './Fact.js';

/** The features whose absence a model variant feels, per architecture (see variant-fit.ts): any one of a group will do. */
const wanted: Record<string, { any: string[]; words: string }[]> = {
  arm64: [
    { any: ['asimdhp'], words: 'fp16 arithmetic (asimdhp)' },
    { any: ['asimddp'], words: 'int8 dot product (asimddp)' },
    { any: ['i8mm'], words: 'int8 matrix multiply (i8mm)' },
  ],
  x64: [{ any: ['avx512_vnni', 'avx_vnni'], words: 'VNNI int8 (avx512_vnni, avx_vnni)' }],
};

function Features({ features, arch }: { features: string[]; arch: string | null }) {
  if (features.length === 0) {
    return (
      <Typography component="span" variant="body2" color="text.secondary">
        none reported
      </Typography>
    );
  }
  // The ones that decide INT8 and FP16 speed first, with their words; the rest after.
  const ordered = [...features.filter((f) => inferenceFeatures.has(f)), ...features.filter((f) => !inferenceFeatures.has(f))];
  const missing = (wanted[arch ?? ''] ?? []).filter((g) => !g.any.some((f) => features.includes(f)));
  return (
    <Box component="span" sx={{ display: 'flex', flexDirection: 'column', gap: 0.75 }}>
      <Box component="span" data-testid="board-features" sx={{ display: 'flex', flexWrap: 'wrap', gap: 0.5 }}>
        {ordered.map((f) => {
          const key = inferenceFeatures.has(f);
          const gloss = featureGloss[f];
          return (
            <Tooltip key={f} title={gloss ?? ''}>
              <Chip
                size="small"
                data-testid="board-feature"
                data-feature={f}
                color={key ? 'success' : 'default'}
                variant={key ? 'filled' : 'outlined'}
                label={key && gloss ? `${f} · ${gloss}` : f}
                sx={{ fontFamily: monoFont, fontSize: 12 }}
              />
            </Tooltip>
          );
        })}
      </Box>
      {missing.length > 0 && (
        <Typography component="span" variant="caption" color="text.secondary" data-testid="board-missing">
          Without {missing.map((g) => g.words).join(', ')}
        </Typography>
      )}
    </Box>
  );
}

/** What the board is, as the device reports it: CPU, instruction features, OS and onnxruntime. */
export function BoardCard({ device }: { device: DeviceDetail }) {
  const { board, hardware } = device;
  return (
    <SectionCard
      title="Board"
      subtitle={hardware ? `As the device reported it on ${formatTime(hardware.readAt)}.` : 'As the device reports it.'}
      testId="device-board"
    >
      {!board && (
        <Typography variant="body2" color="text.secondary" data-testid="board-not-reported" sx={{ mb: hardware ? 1.5 : 0 }}>
          {hardware
            ? 'CPU features, OS and runtime: not reported by this device.'
            : device.paired
              ? 'Not reported by this device yet: the console reads it when the device next answers.'
              : 'Pair the device to read what board it is.'}
        </Typography>
      )}
      <Box component="dl" sx={{ m: 0, display: 'grid', gridTemplateColumns: 'auto 1fr', columnGap: 2, rowGap: 0.75, alignItems: 'baseline' }}>
        {board && (
          <>
            <Fact label="CPU" testId="board-cpu">
              {board.cpu}
            </Fact>
            <Fact label="Board" testId="board-model">
              {board.model ?? (
                <Typography component="span" variant="body2" color="text.secondary">
                  not known
                </Typography>
              )}
            </Fact>
          </>
        )}
        {hardware && (
          <Fact label="Cores · memory" testId="board-cores">
            {hardware.cores} {hardware.cores === 1 ? 'core' : 'cores'} · {formatBytes(hardware.totalMemoryBytes)}
          </Fact>
        )}
        {board && (
          <>
            <Fact label="Instructions">
              <Features features={board.cpuFeatures} arch={device.arch} />
            </Fact>
            <Fact label="OS" testId="board-os">
              {board.os.distro ? `${board.os.distro} · ` : ''}
              {board.os.type} {board.os.release}
            </Fact>
            <Fact label="onnxruntime" testId="board-runtime">
              <Box component="span" sx={{ display: 'inline-flex', flexWrap: 'wrap', alignItems: 'center', gap: 0.5 }}>
                <span>{board.onnxruntime.version}</span>
                {board.onnxruntime.executionProviders.map((p) => (
                  <Chip key={p} size="small" variant="outlined" label={p} data-testid="board-provider" sx={{ fontFamily: monoFont, fontSize: 12 }} />
                ))}
              </Box>
            </Fact>
          </>
        )}
      </Box>
    </SectionCard>
  );
}
