// The design review's points a browser can check (issue 24), as the people
// who use the pages would: the request card in view on a desktop and a
// phone, calendar days that pick the first and then the last day, a refusal
// that comes back at the form, one more step before cancelling a stay, a
// decline without a reason that comes back at its field, a phone header of
// one line whose menu opens by keyboard, one's own cluster's site offering
// no form that always refuses, and every page clean under axe at both
// widths in the light and the dark colour scheme.
//
//   node --test --test-concurrency=1 tests/browser/design.test.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { api, assertAccessibleAndOwn, clickAndLoad, launchBrowser, pageAs, signedIn, startServer, visitEveryWidth } from './lib.mjs';

const ANNA = 'anna.nowak@hubclub.example';
const HOST_ADMIN = 'admin@copenhagen-digital-cluster.example';

let server;
let browser;
/** A site Anna may visit, with three open days free some weeks ahead. */
let trip;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  trip = await findTrip();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

function dayAfter(iso, days) {
  const day = new Date(`${iso}T12:00:00Z`);
  day.setUTCDate(day.getUTCDate() + days);
  return day.toISOString().slice(0, 10);
}

/** A host Anna has not visited, and three open days there with desks free. */
async function findTrip() {
  const { member } = server.tokens;
  const me = (await api(server, member, 'GET', '/api/v1/me')).json;
  const mine = (await api(server, member, 'GET', '/api/v1/stays?limit=200')).json.items;
  const visited = new Set([me.cluster_id, ...mine.map((s) => s.host_cluster_id)]);
  const live = mine.filter((s) => s.status === 'pending' || s.status === 'approved');
  for (let week = 3; week < 12; week += 1) {
    const from = dayAfter(new Date().toISOString().slice(0, 10), week * 7);
    const to = dayAfter(from, 6);
    if (live.some((s) => s.start_date <= to && from <= s.end_date)) continue;
    const found = await api(server, member, 'GET', `/api/v1/availability/search?from=${from}&to=${to}&days=3`);
    const site = found.json.sites?.find((s) => !visited.has(s.cluster_id) && s.fits.length > 0);
    if (site) return { siteId: site.site_id, clusterId: site.cluster_id, start: site.fits[0].start_date, end: site.fits[0].end_date };
  }
  throw new Error('no site Anna could visit in the coming months');
}

/** Whether the element's box is at least partly within the viewport. */
async function inView(page, selector) {
  return page.locator(selector).evaluate((el) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.right > 0 && r.left < window.innerWidth;
  });
}

for (const { label, width, height } of [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 360, height: 740 },
]) {
  test(`on a ${label}, the request card is in view and two clicks on the calendar pick the stay`, { timeout: 120_000 }, async () => {
    const anna = await pageAs(browser, server, ANNA, { width, height });
    const month = trip.start.slice(0, 7);
    await anna.goto(`${server.url}/sites/${trip.siteId}?month=${month}`);
    assert.ok(await inView(anna, '#request-card'), 'the request card is in view as the page opens');
    if (width > 900) {
      const [card, calendar] = await Promise.all([anna.locator('#request-card').boundingBox(), anna.locator('#calendar').boundingBox()]);
      assert.ok(card.x > calendar.x + calendar.width - 1, 'the card stands beside the calendar');
    }

    // The first click picks the first day, and the calendar stays in view.
    let url = await clickAndLoad(anna, anna.locator(`td[data-date="${trip.start}"] a.pick`));
    assert.equal(url.searchParams.get('start'), trip.start);
    assert.equal(url.searchParams.get('end'), null);
    assert.match(await anna.locator(`td[data-date="${trip.start}"]`).getAttribute('class'), /\bfirst\b/);
    assert.ok(await inView(anna, '#calendar'), 'the calendar, to pick the last day');

    // The second picks the last: the form is filled, the range outlined, summed up.
    url = await clickAndLoad(anna, anna.locator(`td[data-date="${trip.end}"] a.pick`));
    assert.deepEqual([url.searchParams.get('start'), url.searchParams.get('end')], [trip.start, trip.end]);
    assert.equal(await anna.locator('#start_date').inputValue(), trip.start);
    assert.equal(await anna.locator('#end_date').inputValue(), trip.end);
    assert.match(await anna.locator(`td[data-date="${trip.end}"]`).getAttribute('class'), /\blast\b/);
    const summary = (await anna.locator('#summary').textContent()).replace(/\s+/g, ' ');
    assert.match(summary, /3 dni przy biurku/, `the summary counts the desk days, in Polish plural: ${summary}`);
    assert.match(summary, /gospodarz odpowie w ciągu|zatwierdzany od razu/, summary);
    assert.ok(await inView(anna, '#request-card'), 'the card is in view with the summary');
    await assertAccessibleAndOwn(anna, `site-picked-${label}`, `design-site-picked-${label}`);

    // Too long a stay is refused at the form, in view, with the dates kept.
    const far = dayAfter(trip.start, 40);
    await anna.locator('#end_date').fill(far);
    const response = await Promise.all([anna.waitForEvent('load'), anna.locator('form#request button[type="submit"]').click()]);
    assert.ok(response);
    assert.equal(await anna.locator('#request-card #refusal').count(), 1, 'the refusal is in the card');
    assert.ok(await inView(anna, '#refusal'), 'the refusal is in view, not at the top of the page');
    assert.equal(await anna.locator('#end_date').inputValue(), far, 'what she typed is kept');
    await anna.context().close();
  });
}

test("one's own cluster's site offers no form that would always refuse", async () => {
  const me = (await api(server, server.tokens.member, 'GET', '/api/v1/me')).json;
  const home = (await api(server, server.tokens.member, 'GET', `/api/v1/clusters/${me.cluster_id}`)).json;
  const site = home.sites[0];
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/sites/${site.id}`);
  assert.match(await anna.locator('#staff-note').textContent(), /Twojego klastra/);
  assert.equal(await anna.locator('form#request').count(), 0);
  assert.equal(await anna.locator('a.pick').count(), 0, 'no day is a link to a request that cannot be made');
  assert.equal(await anna.locator('td[aria-current="date"]').count(), 1, 'today is marked');
  await anna.context().close();
});

test('cancelling a stay asks once more, and "keep it" changes nothing', { timeout: 120_000 }, async () => {
  const made = await api(server, server.tokens.member, 'POST', '/api/v1/stays', {
    site_id: trip.siteId,
    start_date: trip.start,
    end_date: trip.end,
    purpose: 'Meeting the host firms',
  });
  assert.equal(made.status, 201, made.text);
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/stays/${made.json.id}`);
  await clickAndLoad(anna, anna.getByRole('button', { name: 'Odwołaj ten pobyt' }));
  assert.equal((await anna.locator('h1').textContent()).trim(), 'Odwołać ten pobyt?');
  assert.match(await anna.locator('#consequence').textContent(), /Tego nie można cofnąć/);
  await assertAccessibleAndOwn(anna, 'confirm-cancel', 'design-confirm-cancel');
  let url = await clickAndLoad(anna, anna.getByRole('link', { name: 'Zostaw bez zmian' }));
  assert.equal(url.pathname, `/stays/${made.json.id}`);
  assert.equal((await api(server, server.tokens.member, 'GET', `/api/v1/stays/${made.json.id}`)).json.status, made.json.status);

  await clickAndLoad(anna, anna.getByRole('button', { name: 'Odwołaj ten pobyt' }));
  url = await clickAndLoad(anna, anna.getByRole('button', { name: 'Tak, odwołaj pobyt' }));
  assert.equal(url.searchParams.get('done'), 'cancelled');
  assert.equal((await api(server, server.tokens.member, 'GET', `/api/v1/stays/${made.json.id}`)).json.status, 'cancelled');
  await anna.context().close();
});

test('a decline without a reason comes back at its field, and a preset reason declines', { timeout: 120_000 }, async () => {
  const host = await pageAs(browser, server, HOST_ADMIN);
  await host.goto(`${server.url}/host`);
  const article = host.locator('article.pending').first();
  const id = (await article.getAttribute('id')).replace(/^stay-/, '');
  // Approving is the one button in view; declining folds out.
  assert.ok(await article.getByRole('button', { name: /^Approve/ }).isVisible());
  assert.equal(await article.locator('form.decline button').isVisible(), false, 'decline is behind its fold-out');
  await article.locator('details.decline-fold > summary').click();
  let url = await clickAndLoad(host, article.locator('form.decline button[type="submit"]'));
  assert.equal(url.searchParams.get('decline_error'), id);
  const fold = host.locator(`#decline-${id}`);
  assert.equal(await fold.getAttribute('open'), '', 'the fold-out is open again');
  assert.match(await fold.locator('.field-error').textContent(), /Pick a reason or write one/);
  assert.ok(await inView(host, `#decline-${id} .field-error`), 'the error is in view');
  await assertAccessibleAndOwn(host, 'decline-error', 'design-decline-error');

  await fold.getByLabel('We have no desk free for you on these days.').check();
  url = await clickAndLoad(host, fold.locator('form.decline button[type="submit"]'));
  assert.equal(url.searchParams.get('done'), 'stay-declined');
  assert.match(await host.locator('.flash').textContent(), /Declined\. The visitor has been emailed your reason\./);
  const stay = (await api(server, server.tokens.hostAdmin, 'GET', `/api/v1/stays/${id}`)).json;
  assert.deepEqual([stay.status, stay.decline_reason], ['declined', 'We have no desk free for you on these days.']);
  await host.context().close();
});

test('the search takes exact dates by default; each result tells its open days, free desks and how the host answers', { timeout: 120_000 }, async () => {
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/`);
  const search = anna.locator('form#search');
  assert.ok(await search.getByLabel('W tych dniach').isChecked(), 'exact dates unless asked otherwise');
  await search.getByLabel('Pierwszy dzień', { exact: true }).fill(trip.start);
  await search.getByLabel('Ostatni dzień', { exact: true }).fill(trip.end);
  const url = await clickAndLoad(anna, search.getByRole('button', { name: 'Szukaj', exact: true }));
  assert.equal(url.searchParams.get('mode'), 'exact');
  const card = anna.locator(`#results li.fit:has(a[href="/sites/${trip.siteId}"])`);
  assert.equal(await card.count(), 1, 'the site that takes exactly these dates');
  const text = (await card.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /\(3 dni otwarte\)/, `its range says its open days: ${text}`);
  assert.match(text, /wolne biurk|wolnych biurek/, text);
  assert.match(text, /gospodarz decyduje|zatwierdzany od razu/, text);
  const link = new URL(await card.locator('a.request').first().getAttribute('href'), server.url);
  assert.deepEqual([link.searchParams.get('start'), link.searchParams.get('end')], [trip.start, trip.end]);
  // A screenful of results; "show all" shows every one the heading counts.
  const found = Number((await anna.locator('#results-title').textContent()).match(/\((\d+)\)/)[1]);
  const shown = await anna.locator('#results li.fit').count();
  assert.equal(shown, Math.min(found, 12), `${shown} of ${found} shown`);
  if (found > 12) {
    await clickAndLoad(anna, anna.getByRole('link', { name: /Pokaż wszystkie pasujące miejsca/ }));
    assert.equal(await anna.locator('#results li.fit').count(), found);
  }
  // Africa has no site in the demo: it is not offered.
  assert.equal(await search.locator('option[value="continent:africa"]').count(), 0);
  // Countries by name, not by code.
  assert.ok((await search.locator('option[value="country:DK"]').textContent()).startsWith('Dania'));
  await assertAccessibleAndOwn(anna, 'search-exact', 'design-search-exact');
  await anna.context().close();
});

test('the map zooms by keyboard: a continent, a country, a group; own pins are grey', { timeout: 120_000 }, async () => {
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/`);
  const viewWidth = async () => Number((await anna.locator('svg.map').getAttribute('viewBox')).split(' ')[2]);
  assert.equal(await viewWidth(), 360, 'the world at first');
  // A group is a numbered link that opens a closer view.
  const group = anna.locator('svg.map a.pin.group').first();
  assert.match(await group.locator('title').textContent(), /\d+ miejsc.*przybliż/);
  await group.focus();
  await Promise.all([anna.waitForEvent('load'), anna.keyboard.press('Enter')]);
  assert.ok(new URL(anna.url()).searchParams.get('area'), 'the group opens an area');
  assert.ok((await viewWidth()) < 360, 'a closer view');

  // The chips, by keyboard: the world again, Europe, then Poland.
  await anna.getByRole('link', { name: 'Świat', exact: true }).focus();
  await Promise.all([anna.waitForEvent('load'), anna.keyboard.press('Enter')]);
  assert.equal(await viewWidth(), 360, 'the world again');
  await anna.getByRole('link', { name: 'Europa', exact: true }).focus();
  await Promise.all([anna.waitForEvent('load'), anna.keyboard.press('Enter')]);
  assert.equal(new URL(anna.url()).searchParams.get('area'), 'continent:europe');
  assert.equal(await anna.getByRole('link', { name: 'Europa', exact: true }).getAttribute('aria-current'), 'true');
  await anna.locator('nav.zoom ul.countries').getByRole('link', { name: 'Polska', exact: true }).focus();
  await Promise.all([anna.waitForEvent('load'), anna.keyboard.press('Enter')]);
  assert.equal(new URL(anna.url()).searchParams.get('area'), 'country:PL');
  // A country's view names its pins; Anna's own cluster's are grey.
  assert.ok((await anna.locator('svg.map a.pin text').count()) > 0, 'names beside the pins');
  const me = (await api(server, server.tokens.member, 'GET', '/api/v1/me')).json;
  for (const site of me.cluster.sites) {
    assert.equal(await anna.locator(`svg.map a.pin.off[href="/sites/${site.id}"]`).count(), 1, `${site.name} is grey`);
  }
  await assertAccessibleAndOwn(anna, 'map-poland', 'design-map-poland');
  await anna.context().close();
});

test('on a phone the header is one line, and its menu opens by keyboard', async () => {
  const phone = await pageAs(browser, server, ANNA, { width: 360, height: 740 });
  await phone.goto(`${server.url}/stays`);
  const header = await phone.locator('header.top').boundingBox();
  assert.ok(header.height <= 64, `the header is ${header.height}px tall`);
  const myStays = phone.locator('nav.main-nav a[href="/stays"]');
  assert.equal(await myStays.isVisible(), false, 'the menu is folded');
  await phone.locator('details.menu > summary').focus();
  await phone.keyboard.press('Enter');
  assert.ok(await myStays.isVisible(), 'Enter opens the menu');
  await phone.context().close();

  const desktop = await pageAs(browser, server, ANNA);
  await desktop.goto(`${server.url}/stays`);
  assert.equal(await desktop.locator('details.menu > summary').isVisible(), false, 'no menu button on a desktop');
  assert.ok(await desktop.locator('nav.main-nav a[href="/stays"]').isVisible(), 'the links themselves');
  await desktop.context().close();
});

test('pages pass axe at both widths in the light and the dark colour scheme', { timeout: 300_000 }, async () => {
  const anna = await signedIn(browser, server, ANNA);
  const host = await signedIn(browser, server, HOST_ADMIN);
  const network = await signedIn(browser, server, 'network@deskvisa.example');
  const pages = [
    { name: 'map', path: '/', storageState: anna },
    { name: 'site', path: `/sites/${trip.siteId}?start=${trip.start}&end=${trip.end}`, storageState: anna },
    { name: 'stays', path: '/stays', storageState: anna },
    { name: 'inbox', path: '/host', storageState: host },
    { name: 'ledger', path: '/network/ledger', storageState: network },
  ];
  const problems = [];
  for (const colorScheme of ['light', 'dark']) {
    for (const p of pages) {
      problems.push(...(await visitEveryWidth(browser, server, { ...p, name: `design-${p.name}`, colorScheme })).problems);
    }
  }
  assert.deepEqual(problems, []);
});
