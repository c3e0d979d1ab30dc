import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { WebKioskScreen } from '../../drivers/kiosk-screen/web.ts';
import { silentLogger } from '../../firmware/core/log.ts';
import { screenView } from '../../firmware/kiosk/screen.ts';
import { kioskRig } from '../firmware/kiosk/rig.ts';

/**
 * The kiosk's screen in a real browser: the kiosk on the CCNET emulator
 * (through the real driver), its screen on the web screen on a free loopback
 * port, Debian's chromium headless through playwright-core. Every wait is on
 * a condition in the page; the timeouts only bound a wait that never ends.
 */
const OUTPUT_DIR = fileURLToPath(new URL('../../test-output/', import.meta.url));
const SCREENSHOT = `${OUTPUT_DIR}kiosk-web.png`;
const WAIT_MS_MAX = 15_000;
/** A 7-inch 1024×600 touch panel, the usual kiosk screen. */
const VIEWPORT = { width: 1024, height: 600 };

function chromiumPath(): string | null {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  return candidates.find((p): p is string => !!p && existsSync(p)) ?? null;
}

const openScreen = async (port: number) => {
  const opened = await WebKioskScreen.open({ host: '127.0.0.1', port, allowNonLoopback: false, log: silentLogger });
  assert.ok(opened.ok, opened.ok ? '' : opened.error);
  return opened.screen;
};

/** The page's globals as the functions run inside Chromium see them (the tree's tsconfig has no DOM lib). */
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  body: { dataset: Record<string, string | undefined> };
};

const shows = (page: Page, selector: string, text: string) =>
  page.waitForFunction(([s, t]) => document.querySelector(s!)?.textContent === t, [selector, text], {
    timeout: WAIT_MS_MAX,
  });

const marked = (page: Page, kind: string, link: 'up' | 'down') =>
  page.waitForFunction(([k, l]) => document.body.dataset.kind === k && document.body.dataset.link === l, [kind, link], {
    timeout: WAIT_MS_MAX,
  });

test('the kiosk page in headless Chromium shows the balance rise after a bill is stacked', {
  timeout: 90_000,
}, async (t) => {
  const executablePath = chromiumPath();
  if (!executablePath) {
    // CI installs chromium (.ci/run): there a missing browser is a broken setup, not a reason to skip.
    if (process.env.CI === 'true')
      assert.fail('CI=true but no chromium: .ci/run must install it (or set CHROMIUM_PATH)');
    t.skip('no chromium at CHROMIUM_PATH, /usr/bin/chromium or /usr/bin/chromium-browser (apt-get install chromium)');
    return;
  }
  let web = await openScreen(0);
  const w = await kioskRig({ screenDisplay: web });
  const browser = await chromium.launch({ executablePath, headless: true });
  try {
    const page = await browser.newPage({ viewport: VIEWPORT });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    // A CSP refusal or a failed fetch shows as a console error: the page must need nothing it does not have.
    page.on('console', (m) => {
      if (m.type() === 'error') pageErrors.push(m.text());
    });
    await page.goto(web.url);
    await marked(page, 'idle', 'up');
    assert.equal(await page.isHidden('#amounts'), true, 'no amounts without a card');

    await w.run(6);
    await w.tap(w.customer);
    await w.run(2);
    await shows(page, '#balance', '¥10.00');
    w.emulator.insert(2); // ¥10
    await w.run(8);
    await shows(page, '#balance', '¥20.00');
    assert.equal(await page.textContent('#inserted'), '¥10.00');
    assert.equal(await page.getAttribute('#progress', 'aria-valuenow'), '5', '¥10 of the ¥200 top-up limit');
    assert.match((await page.textContent('#zh')) ?? '', /请投入纸币/);
    assert.match((await page.textContent('#en')) ?? '', /Insert bills/);
    mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });

    // The runtime restarts: the page, still open, says so and comes back to the screen of the new run.
    const port = web.port;
    await web.close();
    await marked(page, 'balance', 'down');
    web = await openScreen(port);
    web.show(screenView({ kind: 'idle' }));
    await marked(page, 'idle', 'up');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    await web.close();
    await w.close();
  }
});
