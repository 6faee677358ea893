// The Fleet page at fleet scale: a console in this process (the compiled core and its HTTP server) with
// DEVICES devices in the registry and RATE status changes a second pushed through the real event path
// (registry update → ChangedEmitter → event bus → WebSocket → the page's store), the real UI in Debian's
// Chromium. Measures the time to the first render of the grid and the p95 of requestAnimationFrame deltas
// while the changes stream in, first with the page still, then while the grid scrolls. Prints one JSON line.
// Usage: tsx scripts/bench/fleet-page-measure.ts [DEVICES=10000] [RATE=1000] [SECONDS=10]
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { DeviceState, DeviceSummary } from '../../electron/core/api/types.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = (p: string) => new URL(`../../dist/electron/core/${p}`, import.meta.url).href;
const { createCore } = (await import(dist('core.js'))) as typeof import('../../electron/core/core.js');
const { startBrowserServer } = (await import(dist('server/http-server.js'))) as typeof import('../../electron/core/server/http-server.js');
const { DeviceStore } = (await import(dist('registry/device-store.js'))) as typeof import('../../electron/core/registry/device-store.js');
const { ChangedEmitter } = (await import(dist('devices/changed-emitter.js'))) as typeof import('../../electron/core/devices/changed-emitter.js');

const [devicesArg, rateArg, secondsArg] = process.argv.slice(2);
const deviceCount = Number(devicesArg ?? 10_000);
const rate = Number(rateArg ?? 1000);
const seconds = Number(secondsArg ?? 10);
const rendererDir = join(root, 'dist', 'renderer');
if (!existsSync(join(rendererDir, 'index.html'))) {
  process.stderr.write('fleet-page-measure: the UI is not built: run `npm run build` first.\n');
  process.exit(2);
}

const home = mkdtempSync(join(os.tmpdir(), 'ef-fleet-bench-'));
// 'cli' mode: no telemetry feed, which would try to reach 10,000 made-up devices; the bench moves them itself.
const core = createCore({ home, mode: 'cli', discovery: false });
const store = new DeviceStore(core.registry.db);
const states: DeviceState[] = ['online', 'online', 'online', 'trial', 'offline', 'error'];
const healths: DeviceSummary['health'][] = ['ok', 'ok', 'ok', 'warning', 'error', 'unknown'];
const ids: string[] = [];
const now = new Date().toISOString();
core.registry.db.transaction(() => {
  for (let i = 0; i < deviceCount; i++) {
    const id = `bench-${String(i).padStart(5, '0')}`;
    ids.push(id);
    store.upsert(id, {
      name: `edge-${String(i).padStart(5, '0')}`,
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:7443`,
      token: 'bench',
      fingerprint: 'ab'.repeat(32),
      arch: 'arm64',
      state: states[i % states.length],
      health: healths[i % healths.length],
      activeModel: { name: 'mobilenetv2-digits', version: `v${1 + (i % 3)}`, sha256: null },
      slotState: i % 7 === 0 ? 'trial' : 'confirmed',
      lastSeen: now,
      tags: [`site-${i % 20}`, i % 2 ? 'camera' : 'gateway'],
      groups: [`region-${i % 5}`],
    });
  }
})();

const server = await startBrowserServer({ core, rendererDir });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

let changeTimer: NodeJS.Timeout | null = null;
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const requests = { list: 0, summaries: 0 };
  page.on('request', (r) => {
    if (r.url().includes('/api/devices.list')) requests.list++;
    if (r.url().includes('/api/devices.summaries')) requests.summaries++;
  });
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));

  let listAnsweredMs = 0;
  page.on('requestfinished', (r) => {
    if (r.url().includes('/api/devices.list') && !listAnsweredMs) listAnsweredMs = r.timing().responseEnd + r.timing().startTime - navStart;
  });
  const target = new URL(server.url);
  target.hash = '#/fleet';
  const navStart = Date.now();
  await page.goto(target.href);
  // Time from navigation start to the first frame whose grid holds every device and shows rows.
  const firstRenderMs = (await (
    await page.waitForFunction(
      (n) => {
        const grid = document.querySelector('[data-testid="device-grid"] [role="grid"]');
        return grid && Number(grid.getAttribute('data-rows')) === n && grid.querySelector('[data-testid="device-row"]') ? performance.now() : null;
      },
      deviceCount,
      { polling: 'raf', timeout: 60_000 },
    )
  ).jsonValue()) as number;

  // RATE changes a second, in ticks of 10 ms, through the same emitter class and bus the console uses.
  const emitter = new ChangedEmitter(core.bus);
  let changes = 0;
  let cursor = 0;
  const perTick = rate / 100;
  let owed = 0;
  changeTimer = setInterval(() => {
    owed += perTick;
    const at = new Date().toISOString();
    core.registry.db.transaction(() => {
      for (; owed >= 1; owed--) {
        // A stride through the fleet so the changes land on visible and hidden rows alike.
        cursor = (cursor + 7919) % deviceCount;
        const k = (changes++ + cursor) % states.length;
        store.upsert(ids[cursor], { state: states[k], health: healths[k], lastSeen: at });
        emitter.mark(ids[cursor]);
      }
    })();
  }, 10);

  // Page code as text: tsx would wrap named functions in a helper that the page does not have.
  const frames = (scroll: boolean) =>
    page.evaluate(`new Promise((resolve) => {
      const grid = document.querySelector('[data-testid="device-grid"] [role="grid"]');
      const deltas = [];
      let last = performance.now();
      const end = last + ${seconds * 1000};
      const tick = (t) => {
        deltas.push(t - last);
        last = t;
        // About 2,000 rows a second when scrolling, back to the top at the end.
        if (${scroll}) grid.scrollTop = grid.scrollTop + 2000 > grid.scrollHeight ? 0 : grid.scrollTop + 33;
        if (t < end) requestAnimationFrame(tick);
        else resolve(deltas);
      };
      requestAnimationFrame(tick);
    })`) as Promise<number[]>;
  const p = (xs: number[], q: number) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.floor(q * s.length))];
  };

  // FLEET_BENCH_SHOT=file.png: a picture of the page as measured, to look at the grid at fleet scale.
  if (process.env.FLEET_BENCH_SHOT) await page.screenshot({ path: process.env.FLEET_BENCH_SHOT });
  const listBefore = requests.list;
  const changesStart = performance.now();
  const still = await frames(false);
  const scrolled = await frames(true);
  const drawnRows = await page.locator('[data-testid="device-row"]').count();
  const changed = changes;
  const changeSeconds = (performance.now() - changesStart) / 1000;
  clearInterval(changeTimer);
  changeTimer = null;
  emitter.close();

  console.log(
    JSON.stringify({
      devices: deviceCount,
      changesPerSec: rate,
      seconds,
      firstRenderMs: Math.round(firstRenderMs),
      listAnsweredMs: Math.round(listAnsweredMs),
      p95FrameMs: Number(p(still, 0.95).toFixed(1)),
      p99FrameMs: Number(p(still, 0.99).toFixed(1)),
      maxFrameMs: Number(Math.max(...still).toFixed(1)),
      frames: still.length,
      p95FrameScrollingMs: Number(p(scrolled, 0.95).toFixed(1)),
      maxFrameScrollingMs: Number(Math.max(...scrolled).toFixed(1)),
      changesPushed: changed,
      // What this process managed to push: on a loaded machine it falls short of the rate asked for.
      changesPerSecPushed: Math.round(changed / changeSeconds),
      listRequestsDuringChanges: requests.list - listBefore,
      summariesRequests: requests.summaries,
      rowsInDom: drawnRows,
      pageErrors: pageErrors.length,
    }),
  );
} finally {
  if (changeTimer) clearInterval(changeTimer);
  await browser.close().catch(() => undefined);
  await server.close();
  await core.close();
  rmSync(home, { recursive: true, force: true });
}
