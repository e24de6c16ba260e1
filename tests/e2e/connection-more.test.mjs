// "Send it", continued: the parts of the Connection area that
// connection.test.mjs does not drive. Login with a user name and password
// (a bearer token), resyncing keys with its progress, Elastic Cloud (no
// proxy: the Elasticsearch-endpoint command instead of Send), the deployment
// of the active tab, and the no-secret scan with the login password in it.
//
// Same set-up as connection.test.mjs: the coordinator simulator
// (target/release/ecekit simulator) with its own API key and admin password,
// and a copy of dist/extension whose manifest also grants the simulator's
// origin (a headless browser cannot answer the permission prompt).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  launchWithExtension, openConnectionPanel, startSimulator, extensionWithLoopbackAccess,
  runOperation, simulatorKeystore as harnessKeystore, scanProfileForSecrets, screenshot, waitForLogLine, settledCount,
} from './harness.mjs';

const API_KEY = `e2e-${crypto.randomBytes(12).toString('hex')}`;
const PASSWORD = `pw-${crypto.randomBytes(9).toString('hex')}`;
const ACCESS_KEY = `AKIAE2E${crypto.randomBytes(6).toString('hex').toUpperCase()}`;
const SECRET_KEY = `e2e-secret-${crypto.randomBytes(10).toString('hex')}`;
const NEW_SECRET_KEY = `e2e-rotated-${crypto.randomBytes(10).toString('hex')}`;
// Bearer tokens live this long; ecekit re-asks for the password when less
// than two minutes are left (TOKEN_REFRESH_MARGIN_SECS = 120), which leaves
// the login test 30 s for its steps up to its first call.
const TOKEN_TTL = 150;

let sim;
const simLog = [];
let base; // http://127.0.0.1:PORT
let extDir;
let profile;
let context;
let page;
let extensionId;
const consoleLog = [];
let deployment;

async function launch() {
  ({ context, id: extensionId } = await launchWithExtension(extDir, profile));
  page = await openConnectionPanel(context, extensionId, consoleLog);
}

const run = (action, status, timeout) => runOperation(page, action, status, timeout);
const simulatorKeystore = (id) => harnessKeystore(base, API_KEY, id);

async function queueFault(fault) {
  const r = await fetch(`${base}/__simulator/faults`, {
    method: 'POST',
    headers: { Authorization: `ApiKey ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(fault),
  });
  assert.equal(r.status, 200);
}

const sha256 = (s) => crypto.createHash('sha256').update(s).digest('hex');
const patches = () => simLog.filter((l) => /PATCH \/api\/v1\/deployments\/[0-9a-f]+\/elasticsearch\/main-elasticsearch\/keystore 200/.test(l)).length;

/** The PATCH count once the simulator's log has caught up. */
const settledPatches = (atLeast = 0) => settledCount(patches, atLeast);

before(async () => {
  ({ sim, base } = await startSimulator(
    ['--api-key', API_KEY, '--password', PASSWORD, '--token-ttl', String(TOKEN_TTL)],
    (line) => simLog.push(line)));
  const list = await (await fetch(`${base}/api/v1/deployments`,
    { headers: { Authorization: `ApiKey ${API_KEY}` } })).json();
  deployment = list.deployments[0].id;
  extDir = extensionWithLoopbackAccess();
  profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ecekit-conn-profile-'));
  await launch();
});

after(async () => {
  await context?.close();
  sim?.kill();
});

test('login: a wrong password gets 401 saying to check the user name and password; what was typed is kept', async () => {
  await page.fill('#conn-coordinator', base);
  await page.selectOption('#conn-auth', 'login');
  await page.waitForSelector('#conn-password');
  assert.equal(await page.inputValue('#conn-username'), 'admin', 'the user name starts as admin');
  await page.fill('#conn-password', 'not-the-password');
  const text = await run('connect', 'Connect');
  assert.match(text, /401/);
  assert.match(text, /wrong username or password/);
  assert.match(text, /What to check/);
  assert.match(text, /user name and (the )?password/i, 'the checks are about the login, not an API key');
  assert.doesNotMatch(text, /ECE_API_KEY|ApiKey <key>/, 'no API-key advice for a login');
  assert.doesNotMatch(text, /not-the-password/, 'the message does not repeat the password');
  assert.equal(await page.inputValue('#conn-coordinator'), base);
  assert.equal(await page.inputValue('#conn-username'), 'admin');
  assert.equal(await page.inputValue('#conn-password'), 'not-the-password', 'the typed password is kept');
  assert.equal(await page.$('[data-connected]'), null, 'a refused login leaves no credential');
});

test('login: user name and password exchanged for a bearer token, then the calls use it', async () => {
  await page.fill('#conn-password', PASSWORD);
  const text = await run('connect', 'Connect');
  assert.match(text, /Connected to http:\/\/127\.0\.0\.1:\d+: \d+ deployments listed/);
  await page.waitForSelector('[data-connected]');
  assert.ok(await waitForLogLine(simLog, /POST \/api\/v1\/users\/auth\/_login 200/), 'the simulator saw the login');
  // A bearer session has no API-key expiry to show.
  assert.equal(await page.$('.key-expiry'), null);
  await page.selectOption('#conn-deployment', `${deployment}/main-elasticsearch`);
  const shown = await page.textContent('[data-op="list-keys"] .request-text');
  assert.match(shown, /Authorization: Bearer ‹the session token, not shown›/);
  const listed = await run('list-keys', 'ListKeys');
  assert.match(listed, /The keystore holds/);
  // Remember seals API keys only.
  await page.fill('#conn-passphrase', 'a passphrase for nothing');
  await page.click('[data-action="remember"]');
  await page.waitForSelector('[data-status="Vault"].error');
  assert.match(await page.textContent('[data-status="Vault"]'), /only an API key can be remembered/);
  await page.fill('#conn-passphrase', '');
});

test('login: the password is asked again before the session ends; nothing is sent', async () => {
  // The token was issued for TOKEN_TTL seconds; wait until less than the
  // refresh margin is left.
  await page.waitForTimeout((TOKEN_TTL - 120 + 2) * 1000);
  const before = await settledCount(() => simLog.length);
  const text = await run('list-keys', 'ListKeys');
  assert.match(text, /log in again/i);
  assert.match(text, /Nothing was sent/);
  await settledCount(() => simLog.length);
  assert.equal(simLog.slice(before).filter((l) => /keystore/.test(l)).length, 0, 'no request went out');
  await page.waitForSelector('[data-connected]', { state: 'detached' });
  assert.equal(await page.inputValue('#conn-username'), 'admin');
  assert.equal(await page.inputValue('#conn-deployment-id'), deployment, 'the deployment stays');
  // Logging in again works.
  await page.fill('#conn-password', PASSWORD);
  assert.match(await run('connect', 'Connect'), /Connected to/);
});

test('resync: remove, then re-add, with its progress; the read-back lists the keys', async () => {
  await page.selectOption('#conn-auth', 'apikey');
  await page.fill('#conn-api-key', API_KEY);
  assert.match(await run('connect', 'Connect'), /Connected to/);
  await page.selectOption('#conn-deployment', `${deployment}/main-elasticsearch`);
  await page.click('[data-action="add-client"]');
  const values = page.locator('.ks-value');
  await values.nth(0).fill(ACCESS_KEY);
  await values.nth(1).fill(SECRET_KEY);
  await run('apply', 'Apply');
  assert.match(await run('confirm', 'Apply'), /Done: 2 added/);

  // A new secret value, then resync both keys.
  await values.nth(1).fill(NEW_SECRET_KEY);
  const review = await run('resync', 'Resync');
  assert.match(review, /Review the change/);
  const diff = (await page.textContent('[data-confirm="Resync"]')).replace(/\s+/g, ' ');
  assert.match(diff, /Replaced \(2\): s3\.client\.default\.access_key, s3\.client\.default\.secret_key/);
  assert.match(diff, /Step 1 removes these keys, step 2 adds them back/);

  // Each PATCH takes a second, so both steps show.
  await queueFault({ fault: 'delay=1000', count: 2, path_contains: '/keystore', method: 'PATCH' });
  await page.evaluate(() => {
    window.__progress = [];
    const seen = () => {
      const el = document.querySelector('[data-status="Resync"].progress');
      const t = el && el.textContent;
      if (t && window.__progress[window.__progress.length - 1] !== t) window.__progress.push(t);
    };
    new MutationObserver(seen).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  const patchesBefore = await settledPatches();
  const done = await run('confirm', 'Resync');
  const progress = await page.evaluate(() => window.__progress);
  assert.ok(progress.includes('Step 1 of 2: removing the keys…'), JSON.stringify(progress));
  assert.ok(progress.includes('Step 2 of 2: adding them back…'), JSON.stringify(progress));
  assert.ok(progress.indexOf('Step 1 of 2: removing the keys…') < progress.indexOf('Step 2 of 2: adding them back…'));
  assert.ok(progress.includes('Reading the keystore back…'), JSON.stringify(progress));
  assert.equal(await settledPatches(patchesBefore + 2) - patchesBefore, 2, 'two PATCHes: remove, then re-add');
  assert.match(done, /Done: 2 replaced/);
  assert.match(done, /now holds 2 keys: s3\.client\.default\.access_key, s3\.client\.default\.secret_key/);
  const stored = await simulatorKeystore(deployment);
  assert.equal(stored['s3.client.default.access_key'].sha256, sha256(ACCESS_KEY));
  assert.equal(stored['s3.client.default.secret_key'].sha256, sha256(NEW_SECRET_KEY));
  await screenshot(page, 'connection-resynced');
});

test('ECE platform repository: the S3 keys of the client rows go in its settings, and the shown request hides them', async () => {
  // Connected, with the client's access_key and secret_key rows filled in (the resync test).
  await page.fill('#conn-repository', 'e2e-platform-snapshots');
  await page.fill('#conn-bucket', 'e2e-platform-bucket');
  await page.fill('#conn-region', '');
  const missing = await page.textContent('[data-op="platform-repository"] [data-platform-missing]');
  assert.match(missing, /needs its region/);
  assert.ok(await page.$('[data-action="platform-repository"][disabled]'), 'no Send without a region');
  await page.fill('#conn-region', 'eu-west-1');
  const shownText = await page.textContent('[data-op="platform-repository"] .request-text');
  assert.match(shownText, /PUT .*\/api\/v1\/platform\/configuration\/snapshots\/repositories\/e2e-platform-snapshots/);
  assert.match(shownText, /"region": "eu-west-1"/);
  assert.match(shownText, /not shown/);
  assert.ok(!shownText.includes(ACCESS_KEY) && !shownText.includes(NEW_SECRET_KEY), 'the keys are not shown');

  const done = await run('platform-repository', 'PlatformRepository');
  assert.match(done, /Registered e2e-platform-snapshots as an ECE platform snapshot repository/);
  const r = await fetch(`${base}/api/v1/platform/configuration/snapshots/repositories/e2e-platform-snapshots`,
    { headers: { Authorization: `ApiKey ${API_KEY}` } });
  assert.equal(r.status, 200);
  const { config } = await r.json();
  assert.equal(config.type, 's3');
  assert.equal(config.settings.bucket, 'e2e-platform-bucket');
  assert.equal(config.settings.region, 'eu-west-1');
  assert.equal(sha256(config.settings.access_key), sha256(ACCESS_KEY));
  assert.equal(sha256(config.settings.secret_key), sha256(NEW_SECRET_KEY));
  await screenshot(page, 'connection-platform-repository');
});

test('Elastic Cloud: no proxy, so the Elasticsearch-endpoint command instead of Send', async () => {
  await page.fill('#conn-repository', 'e2e-repo');
  await page.fill('#conn-bucket', 'e2e-snapshots');
  await page.selectOption('#conn-platform', 'ess');
  await page.waitForSelector('#conn-coordinator', { state: 'detached' });
  const auth = await page.$$eval('#conn-auth option', (os) => os.map((o) => o.value));
  assert.deepEqual(auth, ['apikey'], 'Elastic Cloud has no login');
  const repo = (await page.textContent('[data-op="repository"]')).replace(/\s+/g, ' ');
  assert.match(repo, /Elastic Cloud has no API proxy to Elasticsearch/);
  assert.equal(await page.$('[data-action="repository"]'), null, 'no Send for the repository');
  assert.equal(await page.$('[data-action="reload"]'), null, 'no Send for the reload');
  const curls = await page.$$eval('[data-op="repository"] details.curl .request-text', (els) => els.map((e) => e.textContent));
  assert.equal(curls.length, 2, 'a command to register and one to verify');
  assert.match(curls[0], /curl/);
  assert.match(curls[0], /-X PUT/);
  assert.match(curls[0], /\$\{?ELASTICSEARCH_URL\}?\/_snapshot\/e2e-repo/);
  assert.match(curls[0], /"bucket": "e2e-snapshots"/);
  assert.match(curls[0], /ApiKey \$\{?ELASTIC_API_KEY/);
  assert.match(curls[1], /-X POST/);
  assert.match(curls[1], /_snapshot\/e2e-repo\/_verify/);
  assert.match(curls[0], /^# Elastic Cloud has no API proxy to Elasticsearch/m, 'the command says why');
  for (const c of curls) {
    // The command itself (its comment lines explain and may name the proxy).
    const command = c.split('\n').filter((l) => !l.startsWith('#')).join('\n');
    assert.doesNotMatch(command, /elastic-cloud\.com|\/proxy\/|X-Management-Request/, 'no proxy path');
    assert.ok(!c.includes(API_KEY), 'no key in the command');
  }
  const reload = (await page.textContent('[data-op="reload"]')).replace(/\s+/g, ' ');
  assert.match(reload, /_nodes\/reload_secure_settings/);
  await screenshot(page, 'connection-ess');
  // Back to ECE: the coordinator typed before is still there.
  await page.selectOption('#conn-platform', 'ece');
  assert.equal(await page.inputValue('#conn-coordinator'), base);
});

test('the deployment of the active tab: a Cloud UI deployment page fills in the id and coordinator', async () => {
  await page.fill('#conn-deployment-id', '');
  // The Cloud UI of ECE is served by the coordinator (port 12443): a tab on
  // the simulator's origin at /deployments/<id> stands for it.
  const cloudUi = await context.newPage();
  await cloudUi.goto(`${base}/deployments/${deployment}/elasticsearch`);
  await cloudUi.bringToFront();
  await page.click('[data-action="from-tab"]');
  await page.waitForSelector('[data-status="Tab"]:not(.progress)');
  const text = (await page.textContent('[data-status="Tab"]')).replace(/\s+/g, ' ');
  assert.equal(text, `Deployment ${deployment} on ${base} taken from the active tab.`);
  assert.equal(await page.inputValue('#conn-deployment-id'), deployment);
  assert.equal(await page.inputValue('#conn-coordinator'), base);
  // A tab that is not a deployment page.
  await cloudUi.goto(`${base}/deployments`);
  await cloudUi.bringToFront();
  await page.click('[data-action="from-tab"]');
  await page.waitForFunction(() => /not a deployment page/.test(document.querySelector('[data-status="Tab"]')?.textContent || ''));
  assert.equal(await page.inputValue('#conn-deployment-id'), deployment, 'the id is kept');
  // Without access to the tab (no activeTab grant, no host permission) its
  // address is hidden from the extension: the message says how to get it.
  await cloudUi.goto(`${base}/deployments/${deployment}`);
  const settings = await context.newPage();
  await settings.goto('chrome://extensions/');
  await settings.evaluate((id) => chrome.developerPrivate.removeHostPermission(id, 'http://127.0.0.1/*'), extensionId);
  await cloudUi.bringToFront();
  await page.click('[data-action="from-tab"]');
  await page.waitForFunction(() => /cannot read the active tab/.test(document.querySelector('[data-status="Tab"]')?.textContent || ''));
  assert.match(await page.textContent('[data-status="Tab"]'), /toolbar button/);
  await settings.evaluate((id) => chrome.developerPrivate.addHostPermission(id, 'http://127.0.0.1/*'), extensionId);
  await settings.close();
  await cloudUi.close();
});

test('no secret (API key, login password, keystore values) in the URL, the profile or the console', async () => {
  const needles = { 'API key': API_KEY, 'login password': PASSWORD, 'access key': ACCESS_KEY,
    'secret key': SECRET_KEY, 'new secret key': NEW_SECRET_KEY };
  const url = decodeURIComponent(page.url());
  for (const [what, n] of Object.entries(needles)) assert.ok(!url.includes(n), `the URL holds no ${what}`);
  await context.close();
  context = null;
  const { hits, storageDirs } = scanProfileForSecrets(profile, needles);
  assert.ok(storageDirs.length > 0, 'the profile has extension storage to scan');
  assert.deepEqual(hits, []);
  const log = [...consoleLog, ...simLog].join('\n');
  for (const [what, n] of Object.entries(needles)) assert.ok(!log.includes(n), `the console log holds no ${what}`);
});
