// What an energy source is, for the agent and the console: where the number comes from, what it
// covers, how fine it is and when it wraps, or plainly why there is none. Never 0 W for "unknown".

/** counter: a cumulative energy count (µJ) read at the start and end; power-sampled: an instantaneous power (µW) integrated over time. */
export type EnergyKind = 'counter' | 'power-sampled';

/** What the number covers: never compare energies across scopes or sources, only A against B on one source. */
export type EnergyScope = 'board' | 'platform' | 'package' | 'battery' | 'device' | 'core' | 'uncore' | 'dram' | 'rail';

export type EnergyDriver = 'powercap' | 'hwmon' | 'ina3221' | 'rpi5-pmic' | 'battery';

/** A snapshot of the source's own files, in their own units, when it was discovered. */
export interface EnergyReading {
  value: number;
  unit: 'µJ' | 'µW' | 'µWh' | 'µAh';
  /** The sysfs files behind it, relative to the sysfs root ("sys/class/powercap/intel-rapl:0/energy_uj"). */
  files: string[];
}

export interface EnergySourceInfo {
  available: true;
  /** Stable within a boot: "powercap:intel-rapl:0", "ina3221:hwmon1:in1". */
  id: string;
  /** For people: "RAPL package-0 (CPU package)". */
  name: string;
  driver: EnergyDriver;
  scope: EnergyScope;
  kind: EnergyKind;
  /** The unit read() returns: µJ (cumulative) for counters, µW for power-sampled sources. */
  unit: 'µJ' | 'µW';
  /** The smallest step of the hardware behind the number, when known; `note` says where it comes from. */
  resolution: { value: number | null; unit: 'µJ' | 'µW' | 'mWh' | 'µAh'; note: string };
  /** A counter that wraps: its range in µJ (sysfs max_energy_range_uj); null when it does not, or the interface does not say. */
  wrapRangeUj: number | null;
  /** How often a meter must read it: well inside one wrap at full power for counters, the update interval for power sensors. */
  sampleIntervalMs: number;
  reading: EnergyReading;
}

export interface EnergySource extends EnergySourceInfo {
  /** µJ since an arbitrary origin (counters, possibly wrapping at wrapRangeUj) or µW now (power-sampled). Throws an AppError when the file cannot be read. */
  read(): number;
}

export interface UnavailableEnergySource {
  available: false;
  id: string;
  name: string;
  driver: EnergyDriver;
  /** Why not, naming the file and the error ("…/energy_uj: permission denied (EACCES)"). */
  reason: string;
  /** What makes it available, or what to use instead. */
  fix: string;
}

export type EnergySourceReport = EnergySourceInfo | UnavailableEnergySource;

/** The data part of a source, for JSON (the agent's info and profile responses). */
export function sourceInfo(source: EnergySource): EnergySourceInfo {
  const { read: _read, ...info } = source;
  return info;
}
