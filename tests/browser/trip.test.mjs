// The trip, in a real browser (issue 22): Anna finds a business breakfast
// on the network's programme, follows it to the site's request form (the
// event's day filled in), asks for a stay around it; once the host
// approves, she makes her invitation letter on the stay page and downloads
// the PDF (read back with poppler's pdftotext); a second browser that never
// signed in opens the URL the letter's QR code holds and is told the letter
// is valid, with her initials only. Every page passes axe with no serious
// violation and asks nothing of any other origin.
//
//   node --test --test-concurrency=1 tests/browser/trip.test.mjs

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { api, assertAccessibleAndOwn, clickAndLoad, launchBrowser, newPage, pageAs, runCli, startServer } from './lib.mjs';

const ANNA = 'anna.nowak@hubclub.example';
const PASSPORT_NAME = 'Anna Żaneta Nowak-Łęcka';

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
  await assertAccessibleAndOwn(page, name, `trip-${name}`);
}

/** Two days after an ISO date. */
function twoDaysAfter(iso) {
  const day = new Date(`${iso}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 2);
  return day.toISOString().slice(0, 10);
}

test('from the programme to a stay, its invitation letter, and a stranger checking it', { timeout: 240_000 }, async () => {
  const { tokens } = server;
  // A business breakfast on the programme at a host Anna has not visited
  // this year (so no quota of hers is used), on days none of her stays
  // holds, whose site can take her for the three days from it.
  const me = await api(server, tokens.member, 'GET', '/api/v1/me');
  const mine = await api(server, tokens.member, 'GET', '/api/v1/stays?limit=200');
  const visited = new Set([me.json.cluster_id, ...mine.json.items.map((s) => s.host_cluster_id)]);
  const programme = await api(server, tokens.member, 'GET', '/api/v1/events?limit=100');
  assert.equal(programme.status, 200, programme.text);
  let event;
  const live = mine.json.items.filter((s) => s.status === 'pending' || s.status === 'approved');
  const clashes = (from, to) => live.some((s) => s.start_date <= to && from <= s.end_date);
  for (const e of programme.json.items.filter((e) => e.title === 'Business breakfast' && !visited.has(e.cluster_id))) {
    const from = e.starts_at.slice(0, 10);
    if (clashes(from, twoDaysAfter(from))) continue;
    const fits = await api(server, tokens.member, 'GET', `/api/v1/availability/search?from=${from}&to=${twoDaysAfter(from)}&days=3`);
    if (fits.json.sites?.some((s) => s.site_id === e.site_id && s.fits[0]?.start_date === from)) {
      event = e;
      break;
    }
  }
  assert.ok(event, `a breakfast at a host that can take Anna: ${programme.text}`);
  const day = event.starts_at.slice(0, 10);

  // Anna, signed in, finds it on the programme page and follows its request link.
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/programme`);
  const item = anna.locator(`li#programme-${event.id}`);
  await item.waitFor();
  await accessible(anna, 'programme');
  const site = await clickAndLoad(anna, item.locator('a.request'));
  assert.equal(site.pathname, `/sites/${event.site_id}`);
  assert.equal(await anna.locator('#start_date').inputValue(), day, "the event's day is filled in");
  await anna.locator('#end_date').fill(twoDaysAfter(day));
  await anna.locator('#purpose').fill('Śniadanie biznesowe i spotkania z firmami');
  const requested = await clickAndLoad(anna, anna.locator('form#request button[type="submit"]'));
  const refusal = requested.pathname === '/stays' ? '' : await anna.locator('main').textContent();
  assert.equal(requested.pathname, '/stays', `my stays after the request: ${requested}\n${refusal}`);
  assert.equal(requested.searchParams.get('done'), 'requested');
  const stayId = /^#stay-([0-9a-f-]{36})$/.exec(requested.hash)?.[1];
  assert.ok(stayId, `the new stay named in the address: ${requested}`);

  // The host's admin approves (with a token from the command line, as an
  // operator makes one), unless the host's policy did already.
  const stay = await api(server, tokens.member, 'GET', `/api/v1/stays/${stayId}`);
  if (stay.json.status === 'pending') {
    const members = await api(server, tokens.networkAdmin, 'GET', `/api/v1/clusters/${event.cluster_id}/members?limit=200`);
    const admin = members.json.items.find((m) => m.roles.some((r) => r.role === 'cluster_admin'));
    assert.ok(admin, `an admin of the event's cluster: ${members.text}`);
    const cli = await runCli(server, ['token', 'create', '--email', admin.email, '--label', 'browser test']);
    assert.equal(cli.code, 0, cli.stderr);
    const approved = await api(server, cli.stdout.trim().split(/\s+/).pop(), 'POST', `/api/v1/stays/${stayId}/approve`);
    assert.equal(approved.status, 200, approved.text);
  }

  // On her stay page she makes the letter and downloads it.
  await anna.goto(`${server.url}/stays/${stayId}`);
  const letter = anna.locator('section#letter');
  await letter.waitFor();
  await accessible(anna, 'stay-letter');
  await letter.locator('#passport_name').fill(PASSPORT_NAME);
  const made = await clickAndLoad(anna, letter.locator('button[type="submit"]'));
  assert.equal(made.searchParams.get('done'), 'letter');
  const [download] = await Promise.all([
    anna.waitForEvent('download'),
    anna.locator(`a[href="/api/v1/stays/${stayId}/letter.pdf"]`).click(),
  ]);
  const pdf = join(server.dir, 'letter.pdf');
  await download.saveAs(pdf);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', pdf, '-'], { encoding: 'utf8' }).split(/\s+/).join(' ');
  assert.ok(text.includes(PASSPORT_NAME), `the passport name in the letter:\n${text}`);
  assert.ok(text.includes('free of charge'), text);
  const url = /https?:\/\/\S+\/verify\/[0-9a-f]{32}/.exec(text.replace(/ (?=[0-9a-f/])/g, ''))?.[0];
  assert.ok(url, `the verification URL in the letter:\n${text}`);

  // A stranger's browser (a consulate's), never signed in, opens the URL.
  const stranger = await newPage(browser, server, { locale: 'en-GB' });
  const response = await stranger.goto(url.replace(/^https?:\/\/[^/]+/, server.url));
  assert.equal(response.status(), 200);
  await stranger.locator('#letter-check[data-status="valid"]').waitFor();
  assert.match(await stranger.locator('.verdict').textContent(), /This letter is valid/);
  assert.equal((await stranger.locator('#initials').textContent()).trim(), 'A. Ż. N.');
  assert.ok(!(await stranger.content()).includes('Łęcka'), 'the name itself is not shown');
  await accessible(stranger, 'verify');
});
