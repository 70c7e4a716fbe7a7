// deskvisa's HTML pages in a real browser, as the people who use them would
// check them: a visitor's whole journey, a refusal in Polish, the ledger
// against the API, every page's accessibility, phone layout and requests,
// and the map by keyboard. One server (demo network) for the whole file;
// each person signs in once, through the real email link.
//
//   node --test --test-concurrency=1 tests/browser/
//
// Screenshots go to $DESKVISA_SCREENSHOTS (default var/screenshots/browser).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { api, checkAccessibility, clickAndLoad, launchBrowser, newContext, pageAs, screenshot, screenshotDir, signInAs, signedIn, startServer, visitEveryWidth } from './lib.mjs';

const HOST_ADMIN = 'admin@copenhagen-digital-cluster.example';
const NETWORK_ADMIN = 'network@deskvisa.example';
const POLISH_MEMBER = 'anna.nowak@hubclub.example';
const NYHAVN = 'Nyhavn Innovation House';

let server;
let browser;
/** The demo map from the API: clusters with their sites. */
let clusters;
/** The English visiting member chosen from the API. */
let visitor;

before(async () => {
  server = await startServer();
  browser = await launchBrowser();
  const map = await api(server, server.tokens.networkAdmin, 'GET', '/api/v1/clusters');
  assert.equal(map.status, 200, `GET /api/v1/clusters: ${map.text}`);
  clusters = map.json.items;
  visitor = await englishVisitor();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  console.log(`browser screenshots: ${screenshotDir()}`);
});

// ------------------------------------------------------------------ helpers

/**
 * YYYY-MM-DD of today in an IANA zone. Put together from its parts: no
 * locale's format is that one everywhere (en-CA's is MM/DD/YYYY in the ICU
 * of Debian 12's Node.js 18).
 */
function todayIn(timeZone) {
  const parts = new Intl.DateTimeFormat('en', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date());
  const part = (type) => parts.find((p) => p.type === type).value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const utc = (date) => new Date(`${date}T00:00:00Z`);
const iso = (d) => d.toISOString().slice(0, 10);
const addDays = (date, n) => iso(new Date(utc(date).getTime() + n * 86_400_000));
const isWeekday = (date) => ![0, 6].includes(utc(date).getUTCDay());

/** The first and last day of the month after `date`'s. */
function nextMonth(date) {
  const d = utc(date);
  return {
    first: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1))),
    last: iso(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 2, 0))),
  };
}

/** Monday to Friday days from `start` to `end`, both included. */
function weekdaysBetween(start, end) {
  let n = 0;
  for (let d = start; d <= end; d = addDays(d, 1)) n += isWeekday(d) ? 1 : 0;
  return n;
}

/** The `n`th weekday counting `start` (a weekday) as the first. */
function nthWeekday(start, n) {
  let d = start;
  for (let seen = 1; seen < n; ) {
    d = addDays(d, 1);
    if (isWeekday(d)) seen += 1;
  }
  return d;
}

function site(name) {
  for (const cluster of clusters) {
    const found = cluster.sites.find((s) => s.name === name);
    if (found) return { ...found, cluster };
  }
  throw new Error(`no site «${name}» on the map`);
}

/**
 * An English visiting member of another cluster than Copenhagen (Cluster 55
 * when it has one): no admin role, active first; the last such member of the
 * cluster, who is not the one the demo's stays were made for.
 */
async function englishVisitor() {
  const candidates = clusters
    .filter((c) => c.status === 'active' && c.desks > 0 && c.country !== 'PL' && c.country !== 'DK')
    .sort((a, b) => (b.name === 'Cluster 55') - (a.name === 'Cluster 55'));
  for (const cluster of candidates) {
    const answer = await api(server, server.tokens.networkAdmin, 'GET', `/api/v1/clusters/${cluster.id}/members`);
    assert.equal(answer.status, 200, `GET /api/v1/clusters/${cluster.id}/members: ${answer.text}`);
    const plain = answer.json.items.filter(
      (m) => m.locale === 'en' && m.status !== 'revoked' && m.roles.every((r) => r.role === 'member'),
    );
    const chosen = plain.filter((m) => m.status === 'active').at(-1) ?? plain.at(-1);
    if (chosen) return { ...chosen, cluster };
  }
  throw new Error('no English visiting member in the demo network');
}

/**
 * Clicks (a link or a form's button) and waits for the document that comes
 * of it to load, whatever its URL (redirects followed); returns its URL.
 */
const stayArticle = (page, id) => page.locator(`article.stay[id="stay-${id}"]`);

/** A number as a page shows it: thousands separators, a Unicode minus, a plus sign. */
function shownNumber(text) {
  const plain = text.replace(/[\s\u00a0\u202f]/g, '').replace(/\u2212/g, '-').replace(/^\+/, '');
  return /^-?\d+$/.test(plain) ? Number(plain) : NaN;
}

const ensureNoForeignRequests = (context, what) =>
  assert.deepEqual(context.foreignRequests, [], `${what}: requests that left the server`);

// -------------------------------------------------------------------- tests

test('a visitor signs in by email, finds Nyhavn for next month, requests a stay; the host publishes an event and approves; the visitor gets the .ics, registers, cancels', { timeout: 240_000 }, async () => {
  const nyhavn = site(NYHAVN);
  const today = todayIn(nyhavn.timezone);
  const month = nextMonth(today);

  // Sign in as a person does: type the address, read the email, press "Sign in".
  const visitorContext = await newContext(browser, server);
  const page = await signInAs(visitorContext, server, visitor.email);
  assert.match(page.signInMail.subject, /sign[- ]in/i, 'the English sign-in email says what it is');
  assert.equal(new URL(page.url()).pathname, '/', 'signing in lands on the map');
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  page.on('dialog', (dialog) => dialog.accept());

  // The stays there were before (so the new one is known by its id).
  await page.goto(`${server.url}/stays`);
  const before = new Set(await page.locator('article.stay').evaluateAll((els) => els.map((e) => e.id)));

  // Search next month for 4 days in Denmark: the flexible search.
  await page.goto(`${server.url}/`);
  const search = page.locator('form#search');
  await search.getByLabel('Flexible: a number of days in a month').check();
  await search.getByLabel('Number of days', { exact: true }).fill('4');
  await search.getByLabel('In', { exact: true }).selectOption(month.first.slice(0, 7));
  await search.getByLabel('Country or continent', { exact: true }).selectOption('country:DK');
  const query = (await clickAndLoad(page, search.getByRole('button', { name: 'Search', exact: true }))).searchParams;
  assert.deepEqual(
    [query.get('mode'), query.get('month'), query.get('days'), query.get('area')],
    ['flexible', month.first.slice(0, 7), '4', 'country:DK'],
    'the search form is a GET form with its mode, month, days and area',
  );
  const fit = page.locator('#results li.fit').filter({ hasText: NYHAVN });
  assert.equal(await fit.count(), 1, `${NYHAVN} is in #results`);
  assert.equal(
    await page.locator(`svg.map a.pin.fits[href="/sites/${nyhavn.id}"]`).count(),
    1,
    "Nyhavn's pin is marked as fitting (class pin fits)",
  );
  const requestLink = fit.locator('a.request').first();
  const linkUrl = new URL(await requestLink.getAttribute('href'), server.url);
  const linkStart = linkUrl.searchParams.get('start');
  const linkEnd = linkUrl.searchParams.get('end');
  assert.ok(linkStart >= month.first && linkEnd <= month.last, `the offered range ${linkStart}..${linkEnd} is in next month`);

  // The request form, prefilled with the offered dates.
  assert.equal((await clickAndLoad(page, requestLink)).pathname, `/sites/${nyhavn.id}`);
  assert.equal((await page.locator('h1').textContent()).trim(), NYHAVN);
  const form = page.locator('form#request');
  const startInput = form.locator('[name="start_date"]');
  const endInput = form.locator('[name="end_date"]');
  assert.equal(await startInput.inputValue(), linkStart, 'First day is prefilled');
  assert.equal(await endInput.inputValue(), linkEnd, 'Last day is prefilled');
  let end = linkEnd;
  if (weekdaysBetween(linkStart, linkEnd) > 4) {
    end = nthWeekday(linkStart, 4);
    await endInput.fill(end);
  }
  await form.locator('[name="purpose"]').fill('Meeting the harbour start-ups');
  const requested = await clickAndLoad(page, form.getByRole('button', { name: 'Request the stay', exact: true }));
  assert.equal(`${requested.pathname}?${requested.searchParams}`, '/stays?done=requested');
  await page.locator('p.flash[role="status"]').waitFor();
  const ids = (await page.locator('article.stay').evaluateAll((els) => els.map((e) => e.id))).filter((i) => !before.has(i));
  assert.equal(ids.length, 1, `exactly one new stay on /stays (new: ${ids.join(', ')})`);
  const id = ids[0].replace(/^stay-/, '');
  const stay = stayArticle(page, id);
  assert.equal(await stay.getAttribute('data-status'), 'pending');
  assert.match(await stay.textContent(), new RegExp(NYHAVN));
  assert.match(await stay.locator('p.status').textContent(), /Pending/);

  // The host admin, in a browser of their own: an event during the stay, then the approval.
  const host = await pageAs(browser, server, HOST_ADMIN);
  host.on('dialog', (dialog) => dialog.accept());
  await host.goto(`${server.url}/host/events`);
  const title = `Harbour breakfast ${Date.now() % 100000}`;
  const publish = host.locator('form#publish');
  const siteSelect = publish.locator('select[name="site"]');
  const nyhavnOption = await siteSelect.locator('option', { hasText: NYHAVN }).getAttribute('value');
  await siteSelect.selectOption(nyhavnOption);
  await publish.locator('[name="title"]').fill(title);
  await publish.locator('[name="description"]').fill('Coffee and pastries with the resident companies.');
  await publish.locator('input[type="datetime-local"][name="starts_at"]').fill(`${linkStart}T09:00`);
  await publish.locator('input[type="datetime-local"][name="ends_at"]').fill(`${linkStart}T10:30`);
  await publish.locator('[name="capacity"]').fill('20');
  await publish.locator('input[type="checkbox"][name="open_to_visitors"]').check();
  const published = await clickAndLoad(host, publish.getByRole('button', { name: 'Publish', exact: true }));
  assert.equal(`${published.pathname}?${published.searchParams}`, '/host/events?done=saved');
  await host.getByText(title).first().waitFor();

  await host.goto(`${server.url}/host`);
  const pending = host.locator(`article.pending[id="stay-${id}"]`);
  await pending.waitFor();
  assert.ok((await pending.textContent()).includes(visitor.name), "the visitor's name is on the request");
  // One approve button per request, named with the visitor for screen readers.
  const approve = pending.getByRole('button', { name: /^Approve/ });
  assert.match(await approve.textContent(), new RegExp(`Approve: ${visitor.name}`));
  assert.equal((await clickAndLoad(host, approve)).pathname, '/host');
  assert.match(await host.locator('.flash').textContent(), /Approved\. The visitor has been emailed/);
  assert.equal(await pending.count(), 0, 'the approved stay is no longer waiting');
  ensureNoForeignRequests(host.context(), 'host admin');
  await host.context().close();

  // The visitor sees the approval, takes the calendar file, registers, cancels.
  await page.goto(`${server.url}/stays`);
  assert.equal(await stay.getAttribute('data-status'), 'approved');
  assert.match(await stay.locator('p.status').textContent(), /Approved/);
  const ics = stay.locator('a.ics');
  const icsHref = await ics.getAttribute('href');
  assert.equal(icsHref, `/api/v1/stays/${id}/calendar.ics`);
  const icsAnswer = await visitorContext.request.get(server.url + icsHref);
  assert.equal(icsAnswer.status(), 200, 'the .ics link works with the session cookie');
  const calendar = (await icsAnswer.text()).replace(/\r?\n[ \t]/g, '');
  assert.match(calendar, /BEGIN:VCALENDAR/);
  assert.ok(calendar.includes(NYHAVN), "the .ics names the site");

  const event = stay.locator('li.event').filter({ hasText: title });
  assert.equal(await event.count(), 1, 'the event is listed with the stay');
  const registered = await clickAndLoad(page, event.getByRole('button', { name: /^Register\b/ }));
  assert.equal(`${registered.pathname}?${registered.searchParams}`, '/stays?done=registered');
  await event.getByText('You are registered').first().waitFor();
  assert.equal(await event.getByRole('button', { name: /^Withdraw\b/ }).count(), 1);
  assert.match(await page.locator('#registrations').textContent(), new RegExp(title));

  // Cancelling asks once more, saying what it does.
  await clickAndLoad(page, stay.getByRole('button', { name: 'Cancel this stay', exact: true }));
  assert.equal((await page.locator('h1').textContent()).trim(), 'Cancel this stay?');
  const cancelled = await clickAndLoad(page, page.getByRole('button', { name: 'Yes, cancel the stay', exact: true }));
  assert.equal(cancelled.pathname, '/stays');
  assert.equal(await stay.getAttribute('data-status'), 'cancelled');
  ensureNoForeignRequests(visitorContext, 'visitor');
  await visitorContext.close();
});

test('a request a host must refuse is refused in Polish, at the form: Anna asks for a stay too far ahead', { timeout: 120_000 }, async () => {
  const me = await api(server, server.tokens.member, 'GET', '/api/v1/me');
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.email, POLISH_MEMBER);
  const own = me.json.cluster.sites[0];

  const page = await pageAs(browser, server, POLISH_MEMBER);
  await page.goto(`${server.url}/`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'pl', "Anna's pages are Polish");
  // Her own cluster's site offers no form that could only refuse.
  assert.equal((await clickAndLoad(page, page.locator(`#all-sites a[href="/sites/${own.id}"]`).first())).pathname, `/sites/${own.id}`);
  assert.match(await page.locator('#staff-note').textContent(), /należy do Twojego klastra/);
  assert.equal(await page.locator('form#request').count(), 0);

  // Another cluster's site, four days starting in over a year: too far ahead.
  const other = clusters.find((c) => c.id !== me.json.cluster_id && c.sites.some((s) => s.desks > 0));
  const site = other.sites.find((s) => s.desks > 0);
  await page.goto(`${server.url}/sites/${site.id}`);
  let start = addDays(todayIn(site.timezone), 400);
  while (utc(start).getUTCDay() !== 1) start = addDays(start, 1);
  const form = page.locator('form#request');
  await form.locator('[name="start_date"]').fill(start);
  await form.locator('[name="end_date"]').fill(addDays(start, 3));
  const [answer] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === `/sites/${site.id}/request`),
    page.waitForEvent('load'),
    form.getByRole('button', { name: 'Poproś o pobyt', exact: true }).click(),
  ]);
  assert.equal(answer.status(), 422, 'a refused request answers 422');
  const refusal = page.locator('#request-card #refusal');
  assert.equal(await refusal.getAttribute('role'), 'alert');
  assert.equal((await refusal.locator('h3').textContent()).trim(), 'Nie można poprosić o ten pobyt');
  const sentences = await refusal.locator('ul li').allTextContents();
  assert.ok(
    sentences.some((s) => s.includes('Za daleko w przyszłości')),
    `the refusal says the stay starts too far ahead: ${JSON.stringify(sentences)}`,
  );
  assert.equal(await form.locator('[name="start_date"]').inputValue(), start, 'what she typed is kept');
  assert.equal(await page.locator('html').getAttribute('lang'), 'pl');
  ensureNoForeignRequests(page.context(), 'Anna');
  await page.context().close();
});

test("the ledger page shows the API's figures, and its CSV link gives the API's columns", { timeout: 120_000 }, async () => {
  const today = iso(new Date());
  const from = addDays(today, -30);
  const to = addDays(today, 60);
  const ledger = await api(server, server.tokens.networkAdmin, 'GET', `/api/v1/reports/reciprocity?from=${from}&to=${to}`);
  assert.equal(ledger.status, 200, ledger.text);
  assert.ok(ledger.json.clusters.length > 0);

  const page = await pageAs(browser, server, NETWORK_ADMIN);
  await page.goto(`${server.url}/network/ledger`);
  const form = page.locator('form').filter({ has: page.locator('input[name="from"]') }).first();
  await form.locator('input[name="from"]').fill(from);
  await form.locator('input[name="to"]').fill(to);
  const shownFor = await clickAndLoad(page, form.getByRole('button', { name: /^(Show|Pokaż)$/ }));
  assert.equal(shownFor.pathname, '/network/ledger');
  assert.deepEqual([shownFor.searchParams.get('from'), shownFor.searchParams.get('to')], [from, to]);

  const fields = [
    'days_hosted',
    'days_used',
    'balance',
    'requests_received',
    'requests_approved',
    'requests_declined',
    'requests_expired',
    'guarantee_exceptions',
  ];
  const shown = await page.locator('table#figures tr[data-cluster]').evaluateAll((rows) =>
    Object.fromEntries(
      rows.map((row) => [
        row.dataset.cluster,
        Object.fromEntries([...row.querySelectorAll('[data-field]')].map((cell) => [cell.dataset.field, cell.textContent])),
      ]),
    ),
  );
  const differences = [];
  for (const cluster of ledger.json.clusters) {
    const row = shown[cluster.cluster_id];
    if (!row) {
      differences.push(`${cluster.name}: no row tr[data-cluster="${cluster.cluster_id}"]`);
      continue;
    }
    for (const field of fields) {
      const value = row[field] === undefined ? NaN : shownNumber(row[field]);
      if (value !== cluster[field]) differences.push(`${cluster.name} ${field}: page «${row[field]}», API ${cluster[field]}`);
    }
  }
  assert.deepEqual(differences, [], 'the figures table matches GET /api/v1/reports/reciprocity');

  // The demo's two clusters that stopped hosting, each with its ground shown.
  const lapsed = ledger.json.clusters.filter((c) => c.standing === 'not_reciprocating');
  assert.deepEqual(lapsed.map((c) => c.name).sort(), ['Athens Tech Cluster', 'Dublin Digital Cluster']);
  for (const c of lapsed) {
    const why = shown[c.cluster_id].standing;
    const expected = c.grounds.includes('none_approved')
      ? /declined or let expire all 3 requests|odrzucone lub wygasłe wszystkie prośby/
      : /no bookable desk-day since|żadne biurko nie było dostępne od/;
    assert.match(why, expected, `${c.name}: ${why}`);
  }

  const csvHref = await page.locator('a.csv').getAttribute('href');
  const csvUrl = new URL(csvHref, server.url);
  assert.equal(csvUrl.pathname, '/network/ledger.csv');
  assert.deepEqual([csvUrl.searchParams.get('from'), csvUrl.searchParams.get('to')], [from, to]);
  const csv = await page.context().request.get(csvUrl.href);
  assert.equal(csv.status(), 200);
  const lines = (await csv.text()).replace(/^\uFEFF/, '').split(/\r?\n/).filter((l) => l !== '');
  const apiCsv = await fetch(`${server.url}/api/v1/reports/reciprocity?from=${from}&to=${to}`, {
    headers: { authorization: `Bearer ${server.tokens.networkAdmin}`, accept: 'text/csv' },
  }).then((r) => r.text());
  const apiHeader = apiCsv.split(/\r?\n/)[0];
  assert.equal(lines[0], apiHeader, 'the CSV starts with the header row');
  assert.equal(lines.length, ledger.json.clusters.length + 1, 'one line per cluster under the header');
  ensureNoForeignRequests(page.context(), 'network admin');
  await page.context().close();
});

test('every page: no serious accessibility violation, only requests to the server, no sideways scroll on a phone, a screenshot', { timeout: 900_000 }, async (t) => {
  const nyhavn = site(NYHAVN);
  const month = nextMonth(todayIn(nyhavn.timezone));
  const member = await signedIn(browser, server, visitor.email);
  const hostAdmin = await signedIn(browser, server, HOST_ADMIN);
  const networkAdmin = await signedIn(browser, server, NETWORK_ADMIN);
  const search = new URLSearchParams({ from: month.first, to: month.last, days: '4', area: 'country:DK' });
  const copenhagen = clusters.find((c) => c.sites.some((s) => s.id === nyhavn.id));
  const pages = [
    { name: 'sign-in', path: '/sign-in' },
    {
      name: 'sign-in-sent',
      path: '/sign-in (posted)',
      open: async (page) => {
        await page.goto(`${server.url}/sign-in`);
        await page.getByLabel(/^(Email|E-mail)$/).fill('nobody@nowhere.example');
        await page.getByRole('button', { name: /^(Send me a sign-in link|Wyślij mi link do logowania)$/ }).click();
        await page.getByRole('heading', { level: 1, name: /^(Check your email|Sprawdź pocztę)$/ }).waitFor();
      },
    },
    { name: 'sign-in-verify', path: '/auth/verify?token=x', status: [200, 400] },
    { name: 'map', path: '/', storageState: member },
    { name: 'map-search', path: `/?${search}`, storageState: member },
    { name: 'site', path: `/sites/${nyhavn.id}`, storageState: member },
    { name: 'stays', path: '/stays', storageState: member },
    { name: 'host', path: '/host', storageState: hostAdmin },
    { name: 'host-site', path: `/host/sites/${nyhavn.id}`, storageState: hostAdmin },
    { name: 'host-policy', path: '/host/policy', storageState: hostAdmin },
    { name: 'host-events', path: '/host/events', storageState: hostAdmin },
    { name: 'host-members', path: '/host/members', storageState: hostAdmin },
    { name: 'network', path: '/network', storageState: networkAdmin },
    { name: 'network-ledger', path: '/network/ledger', storageState: networkAdmin },
    { name: 'not-found', path: '/no-such-page', storageState: member, status: [404] },
    { name: 'programme', path: '/programme', storageState: member },
    { name: 'firms', path: '/firms', storageState: member },
    { name: 'introductions', path: '/introductions', storageState: member },
    { name: 'me', path: '/me', storageState: member },
    { name: 'visitors', path: '/visitors', storageState: hostAdmin },
    { name: 'host-delegations', path: '/host/delegations', storageState: hostAdmin },
    { name: 'cluster', path: `/clusters/${copenhagen.id}`, storageState: hostAdmin },
    { name: 'cluster-members', path: `/clusters/${copenhagen.id}/members`, storageState: hostAdmin },
  ];
  const waiting = await api(server, server.tokens.hostAdmin, 'GET', `/api/v1/sites/${nyhavn.id}/stays?status=pending`);
  const stay = waiting.json?.items?.[0];
  if (stay) pages.push({ name: 'stay-decision', path: `/stays/${stay.id}`, storageState: hostAdmin });
  t.diagnostic(`screenshots: ${screenshotDir()}`);
  console.log(`browser screenshots: ${screenshotDir()}`);
  // Every page in the light and the dark colour scheme (prefers-color-scheme).
  for (const colorScheme of ['light', 'dark']) {
    for (const spec of pages) {
      await t.test(`${spec.name} (${spec.path}), ${colorScheme}`, async () => {
        const { problems } = await visitEveryWidth(browser, server, { ...spec, colorScheme });
        assert.deepEqual(problems, []);
      });
    }
  }
});

test('the map by keyboard: the first Tab reaches the skip link, every pin is focusable, Enter on a pin opens its site', { timeout: 120_000 }, async () => {
  const page = await pageAs(browser, server, visitor.email);
  await page.goto(`${server.url}/`);

  await page.keyboard.press('Tab');
  const first = await page.evaluate(() => {
    const el = document.activeElement;
    return { tag: el?.tagName.toLowerCase(), href: el?.getAttribute('href'), text: el?.textContent.trim() };
  });
  assert.equal(first.tag, 'a', `the first Tab reaches a link, not ${JSON.stringify(first)}`);
  assert.equal(first.href, '#main', 'the first Tab reaches the skip link to #main');
  assert.equal(first.text, 'Skip to the content');
  assert.equal(await page.locator('main#main').count(), 1);

  // At the world's view, close pins are numbered groups: together they
  // count every site once.
  const sites = clusters.reduce((n, c) => n + c.sites.length, 0);
  const pins = page.locator('svg.map a.pin');
  const grouped = await page.locator('svg.map a.pin.group text').evaluateAll((els) => els.reduce((n, el) => n + Number(el.textContent), 0));
  const groups = await page.locator('svg.map a.pin.group').count();
  assert.equal((await pins.count()) - groups + grouped, sites, 'every site is a pin or counted in a group');
  const unfocusable = await pins.evaluateAll((els) =>
    els
      .filter((el) => {
        el.focus();
        return document.activeElement !== el || el.tabIndex < 0 || !el.getAttribute('href');
      })
      .map((el) => el.getAttribute('href')),
  );
  assert.deepEqual(unfocusable, [], 'every pin takes the keyboard focus');
  assert.equal(await pins.locator('title').count(), await pins.count(), 'every pin and group has a <title>');

  // From the top, Tab reaches a pin (within a page's worth of stops).
  await page.goto(`${server.url}/`);
  let reached = null;
  for (let stop = 0; stop < 400 && !reached; stop++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => (document.activeElement?.matches('a.pin:not(.group)') ? document.activeElement.getAttribute('href') : null));
  }
  assert.ok(reached, 'Tab reaches a pin');
  await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')]);
  assert.equal(new URL(page.url()).pathname, reached, 'Enter on a pin opens its site');
  await checkAccessibility(page, 'site-by-keyboard').then((problems) => assert.deepEqual(problems, []));
  await screenshot(page, 'keyboard-pin-site');
  ensureNoForeignRequests(page.context(), 'keyboard');
  await page.context().close();
});
