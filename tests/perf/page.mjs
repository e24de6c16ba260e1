// Page figures for `make bench`: time from navigation to the first
// interactive render (median of several runs, headless Chromium), the time
// the Connection area takes to show the first time it opens (its module is
// fetched then), and the keystroke-to-findings latency on a 1 MB document
// in Validate.
// Prints figures; it asserts nothing (budgets live in the build's size check).
import path from 'node:path';
import { DIST, serve, launch } from '../e2e/harness.mjs';

const RUNS = 9;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Records when the navigation first appears (the app is interactive then).
function recordFirstRender() {
  new MutationObserver((_, observer) => {
    if (document.querySelector('nav.nav a[data-area]')) {
      window.__firstRender = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
}

async function firstRender(browser, url) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.addInitScript(recordFirstRender);
    await page.goto(url);
    await page.waitForFunction(() => window.__firstRender !== undefined);
    times.push(await page.evaluate(() => window.__firstRender));
    await context.close();
  }
  return times;
}

/** From the click on Connection to its first section on screen, in a new
 * context each run (nothing cached): the module's fetch, compile and render. */
async function connectionFirstOpen(browser, url) {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForSelector('nav.nav a[data-area="connection"]');
    await page.evaluate(() => {
      window.__clicked = performance.now();
      new MutationObserver((_, observer) => {
        if (document.querySelector('[data-section="profile"]')) {
          window.__shown = performance.now();
          observer.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
      document.querySelector('nav.nav a[data-area="connection"]').click();
    });
    await page.waitForFunction(() => window.__shown !== undefined);
    times.push(await page.evaluate(() => window.__shown - window.__clicked));
    await context.close();
  }
  return times;
}

/** A keystore body of about `bytes` bytes with many secrets. */
export function bigKeystoreBody(bytes) {
  const entries = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const entry = `    "s3.client.c${i}.secret_key": {\n      "value": "${'x'.repeat(40)}${i}",\n      "as_file": false\n    }`;
    entries.push(entry);
    size += entry.length + 2;
  }
  return `{\n  "secrets": {\n${entries.join(',\n')}\n  }\n}\n`;
}

async function keystrokeToFindings(browser, url) {
  const page = await browser.newPage();
  await page.goto(url + '#/validate');
  await page.waitForSelector('textarea.code-input', { timeout: 5000 });
  const doc = bigKeystoreBody(1024 * 1024);
  const results = [];
  for (let i = 0; i < 5; i++) {
    results.push(await page.evaluate(async ({ doc, i }) => {
      const area = document.querySelector('textarea.code-input');
      const summary = document.querySelector('[data-findings-summary]');
      const before = summary.dataset.generation;
      // The browser's own layout of the new 1 MB value (what any textarea
      // pays for a paste) is measured apart from ecekit's work.
      const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
      const p0 = performance.now();
      area.value = doc + ' '.repeat(i);
      await frame(); await frame();
      const paste = performance.now() - p0;
      // The longest main-thread task from the keystroke to the findings:
      // what typing could wait for (validation itself runs in the worker).
      let longest = 0;
      const tasks = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) longest = Math.max(longest, e.duration);
      });
      tasks.observe({ type: 'longtask' });
      const t0 = performance.now();
      area.dispatchEvent(new Event('input', { bubbles: true }));
      const handler = performance.now() - t0;
      // In the DOM: when the summary's generation changes; on screen: the
      // frame after that.
      const inDom = await new Promise((resolve) => {
        const observer = new MutationObserver(() => {
          if (summary.dataset.generation !== before) { observer.disconnect(); resolve(performance.now() - t0); }
        });
        observer.observe(summary, { attributes: true });
      });
      await frame();
      const total = performance.now() - t0;
      for (const e of tasks.takeRecords()) longest = Math.max(longest, e.duration);
      tasks.disconnect();
      return { handler, paste, inDom, total, longest, validate: Number(summary.dataset.millis) };
    }, { doc, i }));
  }
  await page.close();
  return { size: doc.length, results };
}

const browser = await launch();
const server = await serve(path.join(DIST, 'web'));
try {
  const times = await firstRender(browser, server.url);
  console.log(`first interactive render (dist/web, ${RUNS} runs): median ${median(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms`);
  const open = await connectionFirstOpen(browser, server.url);
  console.log(`Connection area, first open to its first section on screen (module fetched from loopback, ${RUNS} runs): median ${median(open).toFixed(1)} ms, min ${Math.min(...open).toFixed(1)} ms, max ${Math.max(...open).toFixed(1)} ms`);
  try {
    const k = await keystrokeToFindings(browser, server.url);
    const med = (f) => median(k.results.map(f)).toFixed(1);
    console.log(`keystroke to findings on a ${(k.size / 1048576).toFixed(2)} MB keystore body (5 runs, median): ` +
      `input handler ${med((r) => r.handler)} ms, validation ${med((r) => r.validate)} ms (in the worker), ` +
      `longest main-thread task meanwhile ${med((r) => r.longest)} ms (tasks under 50 ms are not reported: 0 means none), ` +
      `findings in the DOM ${med((r) => r.inDom)} ms and on screen ${med((r) => r.total)} ms after the keystroke (includes the ${150} ms typing debounce); ` +
      `the browser's own layout of the pasted value: ${med((r) => r.paste)} ms`);
  } catch (e) {
    console.log(`keystroke to findings: not measured (${e.message.split('\n')[0]})`);
  }
} finally {
  await browser.close();
  await server.close();
}
