// Refuses deploys that would take the device back to an earlier release: the manifest's release
// counter must be above the highest one the device has accepted (kept in state.json), and a signed
// downgrade must be signed for this device. Checked at upload-begin and again at activate.
import { AppError } from '../../../electron/core/api/errors.js';
import { releaseOf, type Manifest } from '../../device-protocol/manifest.js';

export interface ReleaseFloor {
  deviceId: string;
  /** The highest release this device has accepted; 0 before the first counted one. */
  release: number;
}

/**
 * A release is accepted once: it must be above the device's counter. Manifests from consoles before
 * release counters (release 0) are accepted only while the counter is still 0.
 */
export function checkRelease(manifest: Manifest, floor: ReleaseFloor): void {
  const release = releaseOf(manifest);
  const downgrade = `the console must sign an explicit downgrade for this device under a new release: edgefleet deploy MODEL --device ${floor.deviceId} --allow-downgrade`;
  if (release < floor.release || (release === floor.release && release > 0)) {
    const what = manifest.release === undefined ? 'carries no release counter (a console from before release counters signed it: release 0)' : `carries release ${release}`;
    throw new AppError(
      'RELEASE_COUNTER_REPLAY',
      'Older release refused',
      `This device has accepted release ${floor.release}; the manifest for ${manifest.name} ${manifest.version} ${what}, so it is a deploy signed before what the device already took, sent again, which would undo a newer one. The device keeps what it runs. To put older model content back, ${downgrade}.`,
    );
  }
  if (manifest.downgrade && manifest.downgrade.deviceId !== floor.deviceId) {
    throw new AppError(
      'DOWNGRADE_WRONG_DEVICE',
      'Downgrade signed for another device',
      `The manifest for ${manifest.name} ${manifest.version} is a downgrade signed for device ${manifest.downgrade.deviceId}, not for this device (${floor.deviceId}). The device keeps what it runs. To downgrade this device, ${downgrade}.`,
    );
  }
}
