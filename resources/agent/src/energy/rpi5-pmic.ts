// Raspberry Pi 5: its PMIC (Renesas DA9091) measures rail voltages and currents, but the firmware reads
// them (`vcgencmd pmic_read_adc`); the kernel exposes no hwmon power or energy sensor for it. The hwmon
// devices a Pi 5 has (cpu_thermal, rp1_adc, rpi_volt, pwmfan) carry temperatures, ADC voltages, an
// undervoltage alarm and the fan. If a kernel ever exposes PMIC power through hwmon, readHwmon finds it.
import type { EnergySource, UnavailableEnergySource } from './energy-source.js';
import { hwmonDir } from './hwmon-energy.js';
import type { SysfsTree } from './sysfs-tree.js';

const modelFile = 'sys/firmware/devicetree/base/model';

export function isRaspberryPi5(tree: SysfsTree): boolean {
  return /^Raspberry Pi 5\b/.test((tree.maybeText(modelFile) ?? '').replace(/\0/g, ''));
}

/** Only for a Pi 5 with no hwmon power sensor: says so, instead of leaving the board silent. */
export function readRpi5Pmic(tree: SysfsTree, hwmonSources: readonly EnergySource[]): UnavailableEnergySource[] {
  if (!isRaspberryPi5(tree) || hwmonSources.length > 0) return [];
  const names = tree.list(hwmonDir).map((hw) => tree.maybeText(`${hwmonDir}/${hw}/name`) ?? hw);
  return [
    {
      available: false,
      id: 'rpi5-pmic',
      name: 'Raspberry Pi 5 PMIC (DA9091)',
      driver: 'rpi5-pmic',
      reason: `this kernel exposes the PMIC's power readings through no hwmon device (hwmon here: ${names.join(', ') || 'none'}, none with power or energy); only the firmware reads them (vcgencmd pmic_read_adc).`,
      fix: 'No sysfs counter to enable. Measure with an inline USB-C power meter, or read vcgencmd pmic_read_adc (the agent\'s user in group video), which this agent does not do yet.',
    },
  ];
}
