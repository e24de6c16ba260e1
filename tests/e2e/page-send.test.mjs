// The static page's Connection area (no extension, so CORS applies): against
// a coordinator that sends no CORS headers (as real ECE), the first request
// is explained as a CORS block, Send is turned off and the curl commands are
// offered; against one that allows the page's origin, the page connects.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import {
  collectErrors, screenshot, startSimulator, runOperation, browser, server, usePageServer,
} from './harness.mjs';

const API_KEY = `e2e-${crypto.randomBytes(12).toString('hex')}`;

usePageServer();
const sims = [];

async function simulator(extra = []) {
  const { sim, base } = await startSimulator(['--api-key', API_KEY, ...extra]);
  sims.push(sim);
  return base;
}

async function connect(page, coordinator) {
  await page.fill('#conn-coordinator', coordinator);
  await page.fill('#conn-api-key', API_KEY);
  return runOperation(page, 'connect', 'Connect');
}

after(() => {
  for (const sim of sims) sim.kill();
});

test('static page: a coordinator without CORS is explained, Send is off and the curl commands are offered; one that allows the page connects', async () => {
  const pageOrigin = new URL(server.url).origin;
  const closed = await simulator();
  const open = await simulator(['--cors-origin', pageOrigin]);

  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors = collectErrors(page);
  await page.goto(`${server.url}#/connection`);
  await page.waitForSelector('[data-section="profile"]', { timeout: 20000 });

  // An empty coordinator is not an error yet; a half-typed one gets a message
  // that says what is missing.
  assert.equal(await page.getAttribute('#conn-coordinator', 'aria-invalid'), 'false');
  assert.equal(await page.$('[data-section="profile"] .field-error'), null);
  await page.fill('#conn-coordinator', 'https://');
  assert.match(await page.textContent('[data-section="profile"] .field-error'), /Enter the coordinator's host after https:\/\//);
  assert.equal(await page.getAttribute('#conn-coordinator', 'aria-invalid'), 'true');

  // Before any request: the page says CORS decides, and still lets the user try.
  await page.fill('#conn-coordinator', closed);
  assert.match(await page.textContent('[data-reach="CrossOrigin"]'), /only if the coordinator allows cross-origin requests \(CORS\)/);

  const blocked = await connect(page, closed);
  assert.match(blocked, /CORS/);
  assert.doesNotMatch(blocked, /^Failed to fetch$/);
  assert.match(await page.textContent('[data-reach="CorsBlocked"]'), /does not allow requests from this page \(no CORS\), so Send is off here/);
  assert.ok(await page.$('[data-action="connect"][disabled]'), 'Send (Connect) is off');
  assert.equal(await page.$('[data-connected]'), null, 'a blocked connect is not "Connected"');
  assert.equal(await page.inputValue('#conn-api-key'), API_KEY, 'what was typed is kept');
  const curl = await page.textContent('[data-op="list-keys"] details.curl');
  assert.match(curl, /curl /);
  assert.match(curl, /ApiKey \$ECE_API_KEY/);
  assert.ok(!curl.includes(API_KEY), 'the curl command never holds the key');
  await screenshot(page, 'page-send-cors-blocked');

  // Another coordinator, one that allows this origin: Send is back and works.
  await page.fill('#conn-coordinator', open);
  assert.equal(await page.$('[data-reach="CorsBlocked"]'), null, 'the block belonged to the other coordinator');
  const ok = await connect(page, open);
  assert.match(ok, /Connected to/);
  assert.match(ok, /deployments listed/);
  assert.equal(await page.inputValue('#conn-api-key'), API_KEY, 'what was typed is kept');
  await screenshot(page, 'page-send-cors-allowed');

  // Chromium logs the CORS refusal itself; nothing else may be an error.
  assert.deepEqual(errors.filter((e) => !/CORS|Failed to load resource|ERR_FAILED/.test(e)), []);
  assert.ok(!errors.some((e) => e.includes(API_KEY)), 'no key in the console');
  await page.close();
});
