/**
 * A real browser for the console tests: Debian's chromium driven by puppeteer-core (no browser
 * download). Missing chromium or CJK fonts fail loudly with the command that installs them.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';
const INSTALL = 'install chromium: apt-get install -y chromium fonts-noto-cjk';
export const SCREENSHOTS = join('out', 'screenshots');

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`no browser at ${CHROMIUM}: ${INSTALL}`);
  if (!existsSync(CJK_FONT)) throw new Error(`no CJK font (${CJK_FONT}), Chinese would render as boxes: ${INSTALL}`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox as root (CI runs as root); nothing phones home on a closed network.
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu', '--lang=en-US'],
  });
}

/** A page that records every console error, page error and failed request. */
export async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1200, height: 900 });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page: ${(e as Error).message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  return { page, problems };
}

/** The platform fonts Chromium actually used to draw an element's text (CDP), e.g. "Noto Sans CJK SC". */
export async function renderedFonts(page: Page, selector: string): Promise<string[]> {
  const cdp = await page.createCDPSession();
  try {
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument', { depth: -1, pierce: true });
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    if (!nodeId) throw new Error(`no element ${selector}`);
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    return fonts.map((f) => f.familyName);
  } finally {
    await cdp.detach();
  }
}

/**
 * The share of "ink" pixels (darker than the page) in a screenshot of an element: a blank or
 * box-only rendering of text stays near zero. Decoded in the browser itself (canvas), so no PNG
 * library is needed.
 */
export async function inkShare(page: Page, selector: string): Promise<number> {
  const el = await page.$(selector);
  if (!el) throw new Error(`no element ${selector}`);
  const png = (await el.screenshot({ encoding: 'base64' })) as string;
  const probe = await page.browser().newPage();
  try {
    return await probe.evaluate(async (b64: string) => {
      // Runs in the browser; this project's TypeScript has no DOM types, hence the loose typing.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const g = globalThis as any;
      const img = new g.Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const canvas = g.document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data: Uint8ClampedArray = ctx.getImageData(0, 0, img.width, img.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i]! + data[i + 1]! + data[i + 2]! < 3 * 160) ink++;
      return ink / (data.length / 4);
    }, png);
  } finally {
    await probe.close();
  }
}
