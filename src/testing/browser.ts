/**
 * @file The report in headless Chromium for tests: Debian's `chromium` (or PERTURB_CHROMIUM),
 * driven by playwright-core with its executable path — no browser download. `inChromium` opens a
 * file, collects console errors, page errors and failed requests, and hands the page over.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';

export const CHROMIUM = process.env['PERTURB_CHROMIUM'] ?? '/usr/bin/chromium';

/** Open `file` in headless Chromium and run `f` on the page; returns what `f` returns and the errors the page logged. */
export async function inChromium<T>(file: string, f: (page: Page) => Promise<T>): Promise<{ result: T; errors: string[] }> {
  assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: install Debian's chromium (.ci/run does) or set PERTURB_CHROMIUM`);
  // Imported here: playwright-core takes half a second to load, which every test file that
  // imports the test helpers would pay, though only a few open a browser.
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(file).href);
    return { result: await f(page), errors };
  } finally {
    await browser.close();
  }
}

/** Per plot (`div.plot svg`): how many of its marks (paths, rects, lines in vega mark groups) have area on screen, and its size. */
export function plotMarks(page: Page): Promise<{ withArea: number; marks: number; width: number; height: number }[]> {
  return page.$$eval('div.plot svg', (svgs) => svgs.map((svg) => {
    const marks = [...svg.querySelectorAll('g[class*="mark-"] path, g[class*="mark-"] rect, g[class*="mark-"] line')];
    const withArea = marks.filter((m) => { const b = m.getBoundingClientRect(); return b.width > 0 || b.height > 0; }).length;
    const frame = svg.getBoundingClientRect();
    return { withArea, marks: marks.length, width: frame.width, height: frame.height };
  }));
}
