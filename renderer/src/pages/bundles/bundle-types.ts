// The bundle types as the API contract gives them (the renderer imports no core module but the contract).
import type { Result } from '../../../../electron/core/api/contract.js';

export type BundleList = Result<'bundles.list'>;
export type BundleRecord = BundleList['bundles'][number];
export type TrustedSite = NonNullable<BundleList['site']>;
export type WaveStatus = BundleRecord['waves'][number]['status'];
export type ImportResult = Result<'bundles.import'>;
