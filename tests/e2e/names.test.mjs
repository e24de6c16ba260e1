// A setting name that would inject code into an output (a line break ends
// the Terraform comment it is written into), opened from a share link as a
// user would: the page shows the finding and renders no output tab for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { browser, server, usePageServer, collectErrors, expectShell } from './harness.mjs';

usePageServer();

const INJECTION = 's3.client.default.access_key\nresource "null_resource" "x" {\n  provisioner "local-exec" { command = "calc" }\n}\n#';

test('a share link whose setting name holds a line break gets the finding and no output tab', async () => {
  for (const remove of [true, false]) {
    // A fresh browser profile: the link is the only draft.
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = collectErrors(page);
    const draft = { platform: 'ece', keystore: [{ id: 1, name: INJECTION, remove }] };
    await page.goto(`${server.url}#/keystore?draft=${encodeURIComponent(JSON.stringify(draft))}`);
    await expectShell(page, assert);
    // A value is never in a link: typed, as a user would.
    if (!remove) await page.fill('#secret-1', 'AKIAZ7Q3M5N2P4R6T8V1');
    await page.waitForSelector('main [data-invalid="true"]');
    assert.match(await page.textContent('main'), /not a valid keystore setting name/);
    assert.equal(await page.$('main [role=tab]'), null, 'no output tab');
    const outputs = await page.$$eval('main pre', (pres) => pres.map((p) => p.textContent).join('\n'));
    assert.ok(!outputs.includes('null_resource'), outputs);
    assert.deepEqual(errors, []);
    await context.close();
  }
});
