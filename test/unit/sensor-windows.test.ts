// NAB sensor data into training windows: the fixture parses, windows and labels come out where the four
// known failures are, the device split differs per device, and bad files say which line is wrong.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  parseNabCsv,
  parseNabLabels,
  parseNabTimestamp,
  seriesStats,
  slidingWindows,
  splitForDevices,
  windowCount,
  windowLabels,
  zNormalize,
} from '../../resources/agent/src/federated/sensor-windows.js';

const nabDir = path.join(import.meta.dirname, '../../resources/datasets/nab-machine-temperature');
const csv = readFileSync(path.join(nabDir, 'machine_temperature_system_failure.csv'), 'utf8');
const labelsJson = readFileSync(path.join(nabDir, 'combined_windows.json'), 'utf8');
const rows = parseNabCsv(csv, 'machine_temperature_system_failure.csv');
const anomalies = parseNabLabels(labelsJson, 'machine_temperature_system_failure.csv');

describe('NAB parsing', () => {
  it('reads the machine temperature file', () => {
    expect(rows).toHaveLength(22_695);
    expect(rows[0]).toEqual({ time: Date.UTC(2013, 11, 2, 21, 15), value: 73.96732207 });
    expect(rows.at(-1)).toEqual({ time: Date.UTC(2014, 1, 19, 15, 25), value: 96.90386085 });
    // 5-minute readings, except one place where NAB's file repeats an hour (kept in file order).
    const steps = rows.slice(1).map((r, i) => r.time - rows[i].time);
    expect(steps.filter((s) => s !== 5 * 60_000)).toEqual([-55 * 60_000]);
  });

  it('reads the four labelled anomaly windows, by key or by file name', () => {
    expect(anomalies).toHaveLength(4);
    expect(anomalies[0]).toEqual({ start: Date.UTC(2013, 11, 10, 6, 25), end: Date.UTC(2013, 11, 12, 5, 35) });
    expect(anomalies[3]).toEqual({ start: Date.UTC(2014, 1, 7, 14, 55), end: Date.UTC(2014, 1, 9, 14, 5) });
    expect(parseNabLabels(JSON.parse(labelsJson), 'realKnownCause/machine_temperature_system_failure.csv')).toEqual(anomalies);
    expect(() => parseNabLabels(labelsJson, 'ambient_temperature_system_failure.csv')).toThrow(/no entry for "ambient_temperature_system_failure.csv"/);
    expect(() => parseNabLabels('{"a.csv": [["2014-01-01 00:00:00", "later"]]}', 'a.csv')).toThrow(/Window 0 of "a.csv"/);
    expect(() => parseNabLabels('[1, 2]', 'a.csv')).toThrow(/combined_windows.json form/);
  });

  it('reads NAB timestamps as UTC and refuses impossible dates', () => {
    expect(parseNabTimestamp('2013-12-10 06:25:00.000000')).toBe(Date.UTC(2013, 11, 10, 6, 25));
    expect(parseNabTimestamp('2014-02-30 00:00:00')).toBeNull();
    expect(parseNabTimestamp('2014-02-01 24:00:00')).toBeNull();
    expect(parseNabTimestamp('yesterday')).toBeNull();
  });

  it('names the line of a bad CSV', () => {
    const good = 'timestamp,value\n2014-01-01 00:00:00,1.5\n2014-01-01 00:05:00,2\n';
    expect(parseNabCsv(good)).toHaveLength(2);
    expect(parseNabCsv(good.replace(/\n/g, '\r\n'))).toHaveLength(2);
    const bad = (text: string) => () => parseNabCsv(text, 'sensor.csv');
    expect(bad('time,value\n2014-01-01 00:00:00,1')).toThrow('Sensor data not readable: sensor.csv, line 1: the header should be "timestamp,value" but is "time,value".');
    expect(bad(`${good}2014-01-01 00:10:00,warm\n`)).toThrow('sensor.csv, line 4: value "warm" is not a number.');
    expect(bad(`${good}2014-01-01 00:10:00,\n`)).toThrow('line 4: value "" is not a number.');
    expect(bad(`${good}2014-01-01 00:10:00,1,2\n`)).toThrow('line 4: expected 2 fields (timestamp,value) but found 3.');
    expect(bad(`${good}01/01/2014,1\n`)).toThrow('line 4: "01/01/2014" is not a timestamp like 2013-12-02 21:15:00.');
    expect(bad('timestamp,value\n')).toThrow('line 2: there are no readings after the header.');
    const thrown = (() => {
      try {
        bad(`${good}x,1`)();
      } catch (err) {
        return err;
      }
    })();
    expect(thrown).toMatchObject({ code: 'SENSOR_CSV_INVALID', title: 'Sensor data not readable', detail: expect.stringMatching(/^sensor.csv, line 4: /) });
  });
});

describe('windows', () => {
  it('z-normalises with the series’ own stats or given ones', () => {
    const { values, stats } = zNormalize(rows);
    expect(stats.mean).toBeCloseTo(85.9265, 3);
    expect(stats.std).toBeCloseTo(13.7466, 3);
    const s = seriesStats(values);
    expect(s.mean).toBeCloseTo(0, 5);
    expect(s.std).toBeCloseTo(1, 5);
    expect(zNormalize(rows.slice(0, 2), { mean: 70, std: 2 }).values[0]).toBeCloseTo((73.96732207 - 70) / 2, 6);
    expect(() => zNormalize([{ time: 0, value: 3 }, { time: 1, value: 3 }])).toThrow(/standard deviation > 0/);
  });

  it('cuts sliding windows with a stride', () => {
    const { values } = zNormalize(rows);
    expect(windowCount(22_695, 32, 1)).toBe(22_664);
    expect(slidingWindows(values, 32, 1)).toHaveLength(22_664);
    const strided = slidingWindows(values, 32, 8);
    expect(strided).toHaveLength(Math.floor((22_695 - 32) / 8) + 1);
    expect(strided[3]).toEqual(values.slice(24, 56));
    expect(slidingWindows(values.slice(0, 10), 32, 1)).toEqual([]);
    expect(() => slidingWindows(values, 0, 1)).toThrow(/whole numbers ≥ 1/);
  });

  it('labels the windows that overlap each of the four failures', () => {
    const labels = windowLabels(rows, 32, 1, anomalies);
    expect(labels).toHaveLength(22_664);
    // Each failure window holds 567 readings; a window of 32 overlaps it from 31 readings before.
    expect(labels.filter(Boolean)).toHaveLength(4 * (567 + 31));
    for (const a of anomalies) {
      const first = rows.findIndex((r) => r.time >= a.start);
      const last = rows.findLastIndex((r) => r.time <= a.end);
      expect(labels[first - 32]).toBe(false);
      expect(labels[first - 31]).toBe(true);
      expect(labels[last]).toBe(true);
      expect(labels[last + 1]).toBe(false);
    }
    expect(windowLabels(rows, 32, 8, anomalies)).toEqual(labels.filter((_, i) => i % 8 === 0));
  });
});

describe('splitForDevices', () => {
  it('gives each device its own period and sensor', () => {
    const devices = splitForDevices(rows, 4, 7);
    expect(devices.map((d) => d.device)).toEqual([0, 1, 2, 3]);
    expect(devices.reduce((n, d) => n + d.rows.length, 0)).toBe(rows.length);
    for (let i = 1; i < devices.length; i++) expect(devices[i].from).toBeGreaterThan(devices[i - 1].to);
    expect(new Set(devices.map((d) => d.offset)).size).toBe(4);
    expect(new Set(devices.map((d) => d.scale)).size).toBe(4);
    for (const d of devices) {
      expect(d.scale).toBeGreaterThanOrEqual(0.8);
      expect(d.scale).toBeLessThanOrEqual(1.2);
      expect(Math.abs(d.offset)).toBeLessThanOrEqual(13.75 / 2);
    }
    const d1 = devices[1];
    const source = rows.find((r) => r.time === d1.rows[0].time)!;
    expect(d1.rows[0].value).toBeCloseTo(source.value * d1.scale + d1.offset, 9);
    // The devices' data differ in distribution, not only in time.
    const means = devices.map((d) => seriesStats(d.rows.map((r) => r.value)).mean);
    expect(Math.max(...means) - Math.min(...means)).toBeGreaterThan(1);
    expect(splitForDevices(rows, 4, 7)).toEqual(devices);
    expect(splitForDevices(rows, 4, 8)[0].offset).not.toBe(devices[0].offset);
    expect(() => splitForDevices(rows, 0, 1)).toThrow(/whole number from 1/);
  });
});
