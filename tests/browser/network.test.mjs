// A network grown from nothing, in a real browser: from an empty database
// the CLI makes a network staff account and prints its sign-in link; the
// network admin adds two clusters with their first admins (and is asked
// before a status change); each cluster admin signs in from the welcome
// email, adds a site and imports members from a CSV file (preview, then
// confirm; the same file again adds nobody); an imported member requests a
// stay at the other cluster's site; its admin approves from the email's
// link; the visitor opens the approval's link. Then every page of that
// journey at 1280 and 360 px: axe-core, sideways scroll, requests that
// leave the server, a screenshot. One server (no demo) for the file.
//
//   scripts/browser-test.sh --test-name-pattern="empty network"
//
// Screenshots go to $DESKVISA_SCREENSHOTS (default var/screenshots/browser).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { clickAndLoad, followSignInLink, launchBrowser, mailSoFar, newContext, runCli, screenshotDir, signInLink, startServer, visitEveryWidth, waitForMail } from './lib.mjs';

const OPS = { email: 'ops@network.example', name: 'Olga Ops' };

const COPENHAGEN = {
  name: 'Copenhagen Digital',
  city: 'Copenhagen',
  country: 'DK',
  timezone: 'Europe/Copenhagen',
  latitude: '55.68',
  longitude: '12.57',
  admin: { email: 'lars@cph.example', name: 'Lars Jensen', locale: 'en' },
  site: {
    name: 'Nørrebro Desk House',
    address: 'Nørrebrogade 52, 2200 København N',
    desks: '6',
    contact: 'desks@cph.example',
    rules: 'Coffee is free; the last one out locks the door.',
  },
  csv: [
    'email,name,company,locale',
    'mette@cph.example,Mette Hansen,Hansen ApS,en',
    'not-an-email,Broken Row,,en',
    '',
  ].join('\n'),
  verdicts: { first: ['add', 'refused'], again: ['member', 'refused'] },
};

const HUBCLUB = {
  name: 'HubClub',
  city: 'Ruda Śląska',
  country: 'PL',
  timezone: 'Europe/Warsaw',
  latitude: '50.26',
  longitude: '18.86',
  admin: { email: 'ewa@hubclub.example', name: 'Ewa Kowalska', locale: 'en' },
  site: {
    name: 'HubClub Coworking Ruda',
    address: 'ul. Niedurnego 50, 41-709 Ruda Śląska',
    desks: '8',
    contact: 'biuro@hubclub.example',
    rules: '',
  },
  csv: [
    'email,name,company,locale',
    'anna@hubclub.example,Anna Nowak,Nowak Software,en',
    'piotr@hubclub.example,Piotr Zieliński,,pl',
    'ewa@hubclub.example,Ewa Kowalska,,en',
    'jan at hubclub.example,Jan Bez Maila,,pl',
    '',
  ].join('\n'),
  verdicts: { first: ['add', 'add', 'member', 'refused'], again: ['member', 'member', 'member', 'refused'] },
};

const ANNA = { email: 'anna@hubclub.example', name: 'Anna Nowak' };

let server;
let browser;
/** What the journey made, for the page checks after it. */
const made = { done: false };
/** Every context opened, closed at the end, checked for foreign requests. */
const contexts = [];

before(async () => {
  server = await startServer({ demo: false });
  browser = await launchBrowser();
});

after(async () => {
  for (const context of contexts) await context.close().catch(() => {});
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
const addDays = (date, n) => new Date(utc(date).getTime() + n * 86_400_000).toISOString().slice(0, 10);

/** The first Monday at least `days` days after `date`. */
function mondayAfter(date, days) {
  let d = addDays(date, days);
  while (utc(d).getUTCDay() !== 1) d = addDays(d, 1);
  return d;
}

/** The status form's button of a cluster ("Change status" and, hidden but read, ": name"). */
const changeStatus = (name) => new RegExp(`^Change status\\s*:\\s*${name}$`);

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** Clicks and waits for the document that comes of it to load; returns its URL. */
/** A guarded desktop context, closed by `after`. */
async function context(options = {}) {
  const opened = await newContext(browser, server, options);
  contexts.push(opened);
  return opened;
}

/** The one link to `path` (a pattern) on this server in an email. */
function linkIn(mail, path) {
  const pattern = new RegExp(`https?://[^\\s<>"']*${path}`);
  const match = pattern.exec(mail.text) ?? pattern.exec((mail.html || '').replace(/&amp;/g, '&'));
  assert.ok(match, `a link to ${path} in «${mail.subject}»:\n${mail.text || mail.html}`);
  assert.ok(match[0].startsWith(server.url + '/'), `the link ${match[0]} points at the server ${server.url}`);
  return match[0];
}

/** Signs in from the welcome email a cluster sent to `email`; the page and its context. */
async function signInFromWelcome(email, cluster) {
  const mail = await waitForMail(server, { to: email, subjectIncludes: 'invites you', textIncludes: '/auth/verify?token=' });
  assert.equal(mail.subject, `${cluster} invites you to deskvisa`, `the welcome of ${email}`);
  const signedIn = await context();
  const page = await followSignInLink(signedIn, signInLink(mail));
  assert.equal(new URL(page.url()).pathname, '/', `${email}: signing in from the welcome email lands on the map`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  return page;
}

/** Fills the add-cluster form of /network and sends it; the new cluster's id. */
async function addCluster(page, cluster) {
  await page.goto(`${server.url}/network`);
  const form = page.locator('form#add-cluster');
  const joined = await form.locator('[name="joined_on"]').inputValue();
  assert.match(joined, /^\d{4}-\d{2}-\d{2}$/, 'joined_on is prefilled with today');
  assert.equal(await form.locator('input[name="joined_on"]').getAttribute('type'), 'date');
  for (const field of ['name', 'city', 'country', 'timezone', 'latitude', 'longitude']) {
    await form.locator(`[name="${field}"]`).fill(cluster[field]);
  }
  const firstAdmin = form.locator('fieldset');
  await firstAdmin.locator('[name="admin_email"]').fill(cluster.admin.email);
  await firstAdmin.locator('[name="admin_name"]').fill(cluster.admin.name);
  await firstAdmin.locator('select[name="admin_locale"]').selectOption(cluster.admin.locale);
  const landed = await clickAndLoad(page, form.getByRole('button', { name: 'Add a cluster', exact: true }));
  const id = new RegExp(`^/clusters/(${UUID})$`).exec(landed.pathname)?.[1];
  assert.ok(id, `adding ${cluster.name} lands on its page, not ${landed.pathname}`);
  assert.equal(landed.searchParams.get('done'), 'saved');
  assert.equal((await page.locator('h1').textContent()).trim(), cluster.name);
  assert.equal(await page.locator('p.flash[role="status"]').count(), 1, 'a flash says it is saved');
  assert.match(await page.locator('#admins').textContent(), new RegExp(cluster.admin.email.replace('.', '\\.')), 'its first admin is listed');
  return id;
}

/** Uploads `csv` on the members page (the page is there); the preview's verdicts. */
async function previewImport(page, csv) {
  const form = page.locator('form#import');
  await form.locator('input[type="file"][name="file"]').setInputFiles({
    name: 'members.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  const landed = await clickAndLoad(page, form.getByRole('button', { name: 'Preview the import', exact: true }));
  assert.match(landed.pathname, new RegExp(`^/clusters/${UUID}/members/import$`));
  await page.locator('#import-summary').waitFor();
  return page.locator('table#import-rows tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.verdict));
}

const ensureNoForeignRequests = (ctx, what) => assert.deepEqual(ctx.foreignRequests, [], `${what}: requests that left the server`);

/** Every screenshot this file took (file names), for the log. */
const shots = [];

/** `visitEveryWidth` at 1280 and 360 px, `<name>-1280.png` and `<name>-360.png`; no problem allowed. */
async function everyWidth(spec) {
  const { problems, screenshots } = await visitEveryWidth(browser, server, { ...spec, byWidth: true });
  shots.push(...screenshots.map((p) => p.split('/').at(-1)));
  assert.deepEqual(problems, [], `${spec.name}: problems`);
}

// -------------------------------------------------------------------- tests

test('from an empty network: the CLI makes a network admin, who adds two clusters; their admins add sites and import members; a member requests a stay at the other cluster, its admin approves from the email, the visitor opens the approval', { timeout: 300_000 }, async (t) => {
  const started = Date.now();

  // 1. The first network admin, made by the CLI on the server's database.
  const cli = await runCli(server, ['admin', 'network', '--email', OPS.email, '--name', OPS.name, '--sign-in-link']);
  assert.equal(cli.code, 0, `deskvisa admin network: exit ${cli.code}\n${cli.stdout}${cli.stderr}`);
  assert.match(cli.stdout, /created a network staff account/, cli.stdout);
  const printed = /https?:\/\/\S+\/auth\/verify\?token=\S+/.exec(cli.stdout)?.[0];
  assert.ok(printed, `a sign-in link in the CLI's output:\n${cli.stdout}`);
  assert.ok(printed.startsWith(`${server.url}/auth/verify?token=`), `the link ${printed} points at the server`);
  const opsContext = await context();
  const ops = await followSignInLink(opsContext, printed);
  assert.equal(new URL(ops.url()).pathname, '/', 'the printed link signs in, onto the map');
  assert.match(await ops.locator('header .who').textContent(), new RegExp(OPS.name), 'the header names Olga Ops');
  assert.equal(await ops.locator('nav.main-nav a[href="/network"]').count(), 1, 'the main navigation has the network');
  made.ops = await opsContext.storageState();

  // The network page of an empty network.
  await ops.goto(`${server.url}/network`);
  assert.equal(await ops.locator('table#clusters tbody tr').count(), 0, 'no cluster yet');
  await everyWidth({ name: 'network-empty-start', path: '/network', storageState: made.ops });

  // 2. Two clusters, each with its first admin (welcomed by email).
  made.copenhagen = await addCluster(ops, COPENHAGEN);
  made.hubclub = await addCluster(ops, HUBCLUB);
  await ops.goto(`${server.url}/network`);
  assert.equal(await ops.locator('table#clusters tbody tr').count(), 2, 'two clusters on /network');
  for (const id of [made.copenhagen, made.hubclub]) {
    assert.equal(await ops.locator(`tr#cluster-${id}`).getAttribute('data-status'), 'active');
  }

  // The status change asks first; "Keep it as it is" changes nothing.
  const hubRow = ops.locator(`tr#cluster-${made.hubclub}`);
  await hubRow.locator('select[name="status"]').selectOption('suspended');
  const asked = await clickAndLoad(ops, hubRow.getByRole('button', { name: changeStatus(HUBCLUB.name) }));
  assert.equal(asked.pathname, `/network/clusters/${made.hubclub}/status`);
  assert.equal((await ops.locator('h1').textContent()).trim(), 'Change the status?');
  assert.match(await ops.locator('#consequence').textContent(), /^HubClub is suspended: its members cannot request new stays/);
  const kept = await clickAndLoad(ops, ops.getByRole('link', { name: 'Keep it as it is', exact: true }));
  assert.equal(`${kept.pathname}${kept.search}`, '/network');
  assert.equal(await hubRow.getAttribute('data-status'), 'active', 'HubClub is still active');
  assert.equal((await hubRow.locator('.status-now').textContent()).trim(), 'active');
  ensureNoForeignRequests(opsContext, 'network admin');

  // 3. Each cluster's admin signs in from the welcome email and adds a site.
  for (const [cluster, id, key] of [
    [COPENHAGEN, made.copenhagen, 'lars'],
    [HUBCLUB, made.hubclub, 'ewa'],
  ]) {
    const page = await signInFromWelcome(cluster.admin.email, cluster.name);
    assert.equal(await page.locator('nav.main-nav a[href="/host"]').count(), 1, `${cluster.admin.email} has the host pages`);
    // From the host inbox to the cluster's page, where the first site is added.
    await page.goto(`${server.url}/host`);
    const hostNav = page.locator('nav.sub-nav');
    const sitesAndAdmins = hostNav.getByRole('link', { name: 'Sites and admins', exact: true });
    assert.equal(
      await sitesAndAdmins.count(),
      1,
      `/host of a cluster with no site yet links to the cluster's page: ${(await hostNav.textContent()).trim().replace(/\s+/g, ' ')}`,
    );
    assert.equal((await clickAndLoad(page, hostNav.getByRole('link', { name: 'Sites and admins', exact: true }))).pathname, `/clusters/${id}`);
    assert.equal((await page.locator('h1').textContent()).trim(), cluster.name);
    assert.equal(
      await page.locator(`nav.sub-nav a[href="/clusters/${id}"]`).getAttribute('aria-current'),
      'page',
      'the host navigation marks the cluster page as current',
    );
    if (key === 'lars') await everyWidth({ name: 'cluster-no-site', path: `/clusters/${id}`, storageState: await page.context().storageState() });

    const form = page.locator('form#add-site');
    assert.equal(await form.locator('[name="timezone"]').inputValue(), cluster.timezone, "the site's time zone is the cluster's");
    const ticked = await form.locator('input[type="checkbox"][name="open"]').evaluateAll((boxes) =>
      boxes.filter((b) => b.checked).map((b) => b.value),
    );
    assert.deepEqual(ticked, ['mon', 'tue', 'wed', 'thu', 'fri'], 'Monday to Friday are ticked');
    await form.locator('[name="name"]').fill(cluster.site.name);
    await form.locator('[name="address"]').fill(cluster.site.address);
    await form.locator('[name="desks"]').fill(cluster.site.desks);
    await form.locator('[name="contact_email"]').fill(cluster.site.contact);
    await form.locator('[name="house_rules"]').fill(cluster.site.rules);
    const landed = await clickAndLoad(page, form.getByRole('button', { name: 'Add a site', exact: true }));
    const site = new RegExp(`^/host/sites/(${UUID})$`).exec(landed.pathname)?.[1];
    assert.ok(site, `adding a site lands on its settings, not ${landed.pathname} («${await page.locator('h1').textContent()}»)`);
    assert.equal(landed.searchParams.get('done'), 'saved');
    assert.equal(await page.locator('input#name').inputValue(), cluster.site.name);
    assert.equal(await page.locator('input#address').inputValue(), cluster.site.address);
    assert.equal(await page.locator('input#desks').inputValue(), cluster.site.desks);
    made[key] = { page, site };
    made[`${key}State`] = await page.context().storageState();
  }

  // With a site, the host inbox links to the cluster's page; that page lists the site.
  const lars = made.lars.page;
  await lars.goto(`${server.url}/host`);
  const toCluster = lars.locator('nav.sub-nav').getByRole('link', { name: 'Sites and admins', exact: true });
  assert.equal((await clickAndLoad(lars, toCluster)).pathname, `/clusters/${made.copenhagen}`);
  assert.match(await lars.locator(`table#site-list tr#site-${made.lars.site}`).textContent(), /Nørrebro Desk House/);

  // 4. Members from a CSV file: preview, confirm; the same file again adds nobody.
  for (const [cluster, id, key] of [
    [COPENHAGEN, made.copenhagen, 'lars'],
    [HUBCLUB, made.hubclub, 'ewa'],
  ]) {
    const page = made[key].page;
    await page.goto(`${server.url}/clusters/${id}/members`);
    assert.equal((await page.locator('h1').textContent()).trim(), `Members: ${cluster.name}`);
    assert.deepEqual(await previewImport(page, cluster.csv), cluster.verdicts.first, `${cluster.name}: the first preview's verdicts`);
    const count = (v) => cluster.verdicts.first.filter((x) => x === v).length;
    assert.equal(
      (await page.locator('#import-summary').textContent()).trim(),
      `${count('add')} to be added, ${count('member')} already members, ${count('refused')} refused.`,
    );
    const refused = page.locator('table#import-rows tr[data-verdict="refused"]');
    assert.match(await refused.textContent(), /Refused|refused/, 'the refused row says so');
    const confirm = page.locator('form#import-confirm');
    assert.equal(await confirm.count(), 1);
    const imported = await clickAndLoad(page, confirm.getByRole('button', { name: 'Add and invite these members', exact: true }));
    assert.equal(`${imported.pathname}${imported.search}`, `/clusters/${id}/members?done=imported`);
    assert.match(await page.locator('p.flash[role="status"]').textContent(), /The members are added/);
    const listed = await page.locator('table#members tbody tr td:nth-child(2)').allTextContents();
    for (const line of cluster.csv.split('\n').slice(1)) {
      const email = line.split(',')[0];
      if (email.includes('@') && !email.includes(' ')) assert.ok(listed.includes(email), `${email} is on the members page (${listed.join(', ')})`);
    }
    assert.ok(!listed.some((e) => e.includes('not-an-email') || e.includes(' at ')), 'the refused rows were not added');

    // The same file again.
    assert.deepEqual(await previewImport(page, cluster.csv), cluster.verdicts.again, `${cluster.name}: the second preview's verdicts`);
    assert.equal(await page.locator('form#import-confirm').count(), 0, 'nothing to confirm the second time');
    assert.match(await page.locator('main').textContent(), /Nothing to add/);
  }

  // 5. Anna (HubClub) signs in from her welcome and asks for a desk in Copenhagen.
  const anna = await signInFromWelcome(ANNA.email, HUBCLUB.name);
  made.annaState = await anna.context().storageState();
  await anna.goto(`${server.url}/sites/${made.lars.site}`);
  assert.equal((await anna.locator('h1').textContent()).trim(), COPENHAGEN.site.name);
  const start = mondayAfter(todayIn(COPENHAGEN.timezone), 10);
  const end = addDays(start, 2);
  const request = anna.locator('form#request');
  await request.locator('[name="start_date"]').fill(start);
  await request.locator('[name="end_date"]').fill(end);
  await request.locator('[name="purpose"]').fill('Meeting Copenhagen start-ups');
  const beforeRequest = mailSoFar(server);
  const requested = await clickAndLoad(anna, request.getByRole('button', { name: 'Request the stay', exact: true }));
  if (requested.pathname !== '/stays') {
    const why = await anna.locator('#refusal, #request-error, main').first().textContent();
    assert.fail(`the request ${start}..${end} was not taken (${requested.pathname}): ${why.trim().replace(/\s+/g, ' ')}`);
  }
  assert.equal(requested.searchParams.get('done'), 'requested');
  const stays = await anna.locator('article.stay').evaluateAll((els) => els.map((e) => e.id));
  assert.equal(stays.length, 1, `one stay on Anna's /stays: ${stays.join(', ')}`);
  const stayId = stays[0].replace(/^stay-/, '');
  const stay = anna.locator(`article.stay[id="stay-${stayId}"]`);
  assert.equal(await stay.getAttribute('data-status'), 'pending');
  assert.match(await stay.locator('p.status').textContent(), /Pending/);
  made.stay = stayId;

  // 6. Lars gets "Please decide", opens its link, approves on the stay's page.
  const decide = await waitForMail(server, { to: COPENHAGEN.admin.email, subjectIncludes: 'Please decide', ignore: beforeRequest });
  assert.match(decide.subject, new RegExp(`^Please decide: ${ANNA.name} asks for a desk at ${COPENHAGEN.site.name}`));
  await lars.goto(linkIn(decide, `/stays/${stayId}`));
  assert.equal(new URL(lars.url()).pathname, `/stays/${stayId}`);
  const decision = lars.locator('article.decision');
  assert.equal(await decision.count(), 1, "the host's decision card");
  assert.equal((await decision.locator('#visitor').textContent()).trim(), ANNA.name);
  assert.match(await decision.textContent(), /HubClub/, "the visitor's home cluster");
  const beforeApproval = mailSoFar(server);
  const approved = await clickAndLoad(lars, decision.getByRole('button', { name: 'Approve', exact: true }));
  assert.equal(`${approved.pathname}${approved.search}`, `/stays/${stayId}?done=approved`);
  assert.match(await lars.locator('.flash').textContent(), /Approved\. The visitor has been emailed/, 'a message that says what happened');
  assert.match(await lars.locator('article.trip p.status').textContent(), /Approved/);
  assert.equal(await lars.locator(`#stay-${stayId}`).getAttribute('data-status'), 'approved');
  assert.equal(await decision.getByRole('button', { name: 'Approve', exact: true }).count(), 0, 'nothing left to approve');

  // 7. Anna gets the approval and opens its link: the trip card.
  const approval = await waitForMail(server, { to: ANNA.email, subjectIncludes: 'Approved', ignore: beforeApproval });
  assert.match(approval.subject, new RegExp(`^Approved: your desk at ${COPENHAGEN.site.name}`));
  await anna.goto(linkIn(approval, `/stays/${stayId}`));
  const trip = anna.locator('article.trip');
  assert.match(await trip.locator('p.status').textContent(), /Approved/);
  assert.match(await trip.textContent(), new RegExp(COPENHAGEN.site.address));
  assert.equal(await anna.locator('article.decision').count(), 0, 'the visitor has no decision card');
  const ics = trip.locator('a.ics');
  assert.equal(await ics.getAttribute('href'), `/api/v1/stays/${stayId}/calendar.ics`);
  const calendar = await anna.context().request.get(server.url + (await ics.getAttribute('href')));
  assert.equal(calendar.status(), 200, 'the .ics link works with the session cookie');
  assert.match(await calendar.text(), /BEGIN:VCALENDAR/);

  for (const ctx of contexts) ensureNoForeignRequests(ctx, 'a journey browser');
  made.done = true;
  t.diagnostic(`journey: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('from an empty network, every new page at 1280 and 360 px: no serious accessibility violation, only requests to the server, no sideways scroll, a screenshot', { timeout: 600_000 }, async (t) => {
  assert.ok(made.done, 'the journey above made the network these pages show');
  const extraRow = 'zofia@hubclub.example,Zofia Wiśniewska,,pl';
  const withNewRow = HUBCLUB.csv.replace(/\n$/, `\n${extraRow}\n`);
  const upload = (csv) => async (page) => {
    await page.goto(`${server.url}/clusters/${made.hubclub}/members`);
    await previewImport(page, csv);
  };
  const pages = [
    { name: 'network', path: '/network', storageState: made.ops },
    {
      name: 'network-confirm-status',
      path: `/network/clusters/${made.hubclub}/status (posted)`,
      storageState: made.ops,
      open: async (page) => {
        await page.goto(`${server.url}/network`);
        const row = page.locator(`tr#cluster-${made.hubclub}`);
        await row.locator('select[name="status"]').selectOption('suspended');
        await clickAndLoad(page, row.getByRole('button', { name: changeStatus(HUBCLUB.name) }));
        await page.locator('#consequence').waitFor();
      },
    },
    { name: 'cluster', path: `/clusters/${made.copenhagen}`, storageState: made.larsState },
    { name: 'cluster-by-network-admin', path: `/clusters/${made.hubclub}`, storageState: made.ops },
    { name: 'cluster-members', path: `/clusters/${made.hubclub}/members`, storageState: made.ewaState },
    { name: 'cluster-import-preview', path: 'members import (posted)', storageState: made.ewaState, open: upload(withNewRow) },
    { name: 'cluster-import-nothing', path: 'members import again (posted)', storageState: made.ewaState, open: upload(HUBCLUB.csv) },
    { name: 'host-site-new', path: `/host/sites/${made.lars.site}`, storageState: made.larsState },
    { name: 'stay-as-host', path: `/stays/${made.stay}`, storageState: made.larsState },
    { name: 'stay-as-visitor', path: `/stays/${made.stay}`, storageState: made.annaState },
    { name: 'me-network-staff', path: '/me', storageState: made.ops },
    { name: 'me-member', path: '/me', storageState: made.annaState },
  ];
  for (const spec of pages) {
    await t.test(`${spec.name} (${spec.path})`, () => everyWidth(spec));
  }
  // The preview checked above added nobody: Zofia is still not a member.
  const check = await context({ storageState: made.ewaState });
  const page = await check.newPage();
  await page.goto(`${server.url}/clusters/${made.hubclub}/members`);
  assert.ok(!(await page.locator('table#members').textContent()).includes('zofia@hubclub.example'), 'a preview adds nobody');
  t.diagnostic(`screenshots in ${screenshotDir()}: ${shots.join(' ')}`);
});
