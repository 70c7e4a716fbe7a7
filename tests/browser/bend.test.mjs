// Stays that bend, in a real browser (issue 23): Anna gives a stay of hers
// new dates on its page (the form holds its dates; she ends it a day
// earlier) and reads the new dates, the message and the history's line;
// her cluster's admin opens the delegations page with its form. Every page
// passes axe with no serious violation and asks nothing of another origin.
//
//   node --test --test-concurrency=1 tests/browser/bend.test.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { api, assertAccessibleAndOwn, clickAndLoad, launchBrowser, pageAs, startServer } from './lib.mjs';

const ANNA = 'anna.nowak@hubclub.example';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

async function accessible(page, name) {
  await assertAccessibleAndOwn(page, name, `bend-${name}`);
}

function dayAfter(iso, days) {
  const day = new Date(`${iso}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

test('a member ends a stay a day earlier on its page', { timeout: 180_000 }, async () => {
  const { tokens } = server;
  // A stay of three days at a host Anna has not visited this year, on days
  // none of hers holds: found with the search, requested through the API.
  const me = await api(server, tokens.member, 'GET', '/api/v1/me');
  const mine = await api(server, tokens.member, 'GET', '/api/v1/stays?limit=200');
  const visited = new Set([me.json.cluster_id, ...mine.json.items.map((s) => s.host_cluster_id)]);
  const live = mine.json.items.filter((s) => s.status === 'pending' || s.status === 'approved');
  let stayId;
  for (let week = 3; week < 12 && !stayId; week += 1) {
    const from = dayAfter(new Date().toISOString().slice(0, 10), week * 7);
    const to = dayAfter(from, 6);
    if (live.some((s) => s.start_date <= to && from <= s.end_date)) continue;
    const found = await api(server, tokens.member, 'GET', `/api/v1/availability/search?from=${from}&to=${to}&days=3`);
    const site = found.json.sites?.find((s) => !visited.has(s.cluster_id) && s.fits.length > 0);
    if (!site) continue;
    const fit = site.fits[0];
    const made = await api(server, tokens.member, 'POST', '/api/v1/stays', {
      site_id: site.site_id,
      start_date: fit.start_date,
      end_date: fit.end_date,
      purpose: 'Meeting the host firms',
    });
    if (made.status === 201) stayId = made.json.id;
  }
  assert.ok(stayId, 'a stay Anna can move');
  const stay = (await api(server, tokens.member, 'GET', `/api/v1/stays/${stayId}`)).json;

  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/stays/${stayId}`);
  const form = anna.locator('section#new-dates');
  await form.waitFor();
  await accessible(anna, 'stay-new-dates');
  assert.equal(await form.locator('#new_start_date').inputValue(), stay.start_date);
  assert.equal(await form.locator('#new_end_date').inputValue(), stay.end_date);
  const shorter = stay.days[stay.days.length - 2];
  await form.locator('#new_end_date').fill(shorter);
  const moved = await clickAndLoad(anna, form.locator('button[type="submit"]'));
  assert.equal(moved.searchParams.get('done'), 'moved', `${moved}\n${await anna.locator('main').textContent()}`);
  assert.match(await anna.locator('main').textContent(), /nowe terminy|new dates/i, 'the message, in her language');
  assert.equal(await anna.locator('#new_end_date').inputValue(), shorter, 'the form holds the new dates');
  const after = (await api(server, tokens.member, 'GET', `/api/v1/stays/${stayId}`)).json;
  assert.equal(after.end_date, shorter);
  assert.equal(after.history.at(-1).action, 'move');
  await accessible(anna, 'stay-moved');
});

test('a cluster admin opens the delegations page with its form', { timeout: 120_000 }, async () => {
  const { tokens } = server;
  const me = await api(server, tokens.member, 'GET', '/api/v1/me');
  const members = await api(server, tokens.networkAdmin, 'GET', `/api/v1/clusters/${me.json.cluster_id}/members?limit=200`);
  const admin = members.json.items.find((m) => m.roles.some((r) => r.role === 'cluster_admin'));
  assert.ok(admin, `an admin of Anna's cluster: ${members.text}`);
  const page = await pageAs(browser, server, admin.email);
  await page.goto(`${server.url}/host/delegations`);
  await page.locator('form#delegation').waitFor();
  assert.ok((await page.locator('form#delegation input[name="member_id"]').count()) >= 2, 'members to choose from');
  await accessible(page, 'delegations');
});
