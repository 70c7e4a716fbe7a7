// A walk through every page of the demo as its three people see it (a
// visiting member, a host admin, the network admin, and nobody signed in),
// at 1280 and 360 px, in the light and the dark colour scheme, with a
// full-page screenshot of each and axe-core's serious findings listed.
// It is the design review's record: run it before and after a change to
// the pages and compare the folders.
//
//   node tests/browser/tour.mjs var/screenshots/tour      (make screenshots)
//
// Exits 1 when a page answered an error or axe found a serious problem.

import { mkdirSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';

import { api, checkAccessibility, launchBrowser, newContext, repoRoot, signedIn, startServer } from './lib.mjs';

const MEMBER = 'anna.nowak@hubclub.example';
const HOST_ADMIN = 'admin@copenhagen-digital-cluster.example';
const NETWORK_ADMIN = 'network@deskvisa.example';

const outArg = process.argv[2] || join('var', 'screenshots', 'tour');
const out = isAbsolute(outArg) ? outArg : join(repoRoot, outArg);
mkdirSync(out, { recursive: true });

/** YYYY-MM-DD, `n` days from today (UTC). */
const inDays = (n) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);

const first = (items, what) => {
  if (!items?.length) throw new Error(`the demo has no ${what}`);
  return items[0];
};

/** The pages each person is shown, found through the API. */
async function pagesOf(server) {
  const { member, hostAdmin, networkAdmin } = server.tokens;
  const clusters = (await api(server, networkAdmin, 'GET', '/api/v1/clusters')).json.items;
  const copenhagen = clusters.find((c) => c.name.startsWith('Copenhagen'));
  const nyhavn = first(copenhagen.sites, 'Copenhagen site');
  const stays = (await api(server, member, 'GET', '/api/v1/stays')).json.items;
  const stay = stays.find((s) => s.status === 'approved') ?? first(stays, 'stay of the demo member');
  const pending = (await api(server, hostAdmin, 'GET', `/api/v1/sites/${nyhavn.id}/stays?status=pending`)).json?.items ?? [];
  const events = (await api(server, member, 'GET', '/api/v1/events')).json?.items ?? [];
  const firms = (await api(server, member, 'GET', '/api/v1/firms')).json?.items ?? [];
  const hostPages = [
    ['host-inbox', '/host'],
    ['host-site', `/host/sites/${nyhavn.id}`],
    ['host-policy', '/host/policy'],
    ['host-events', '/host/events'],
    ['host-members', '/host/members'],
    ['host-delegations', '/host/delegations'],
    ['host-visitors', '/visitors'],
    ['host-cluster', `/clusters/${copenhagen.id}`],
    ['host-cluster-members', `/clusters/${copenhagen.id}/members`],
  ];
  if (pending[0]) hostPages.push(['host-pending-stay', `/stays/${pending[0].id}`]);
  if (pending.find((s) => s.delegation_id)) hostPages.push(['host-delegation', `/delegations/${pending.find((s) => s.delegation_id).delegation_id}`]);
  const visitorPages = [
    ['map', '/'],
    ['search', `/?from=${inDays(30)}&to=${inDays(44)}&days=5`],
    ['site', `/sites/${nyhavn.id}`],
    ['stays', '/stays'],
    ['stay', `/stays/${stay.id}`],
    ['programme', '/programme'],
    ['firms', '/firms'],
    ['introductions', '/introductions'],
    ['me', '/me'],
  ];
  if (events[0]) visitorPages.push(['event', `/events/${events[0].id}`]);
  if (firms[0]) visitorPages.push(['firm', `/firms/${firms[0].id}`]);
  return [
    { who: 'nobody', email: null, pages: [['sign-in', '/sign-in'], ['map-signed-out', '/']] },
    { who: 'visitor', email: MEMBER, pages: visitorPages },
    { who: 'host', email: HOST_ADMIN, pages: hostPages },
    { who: 'network', email: NETWORK_ADMIN, pages: [['network', '/network'], ['ledger', '/network/ledger']] },
  ];
}

const server = await startServer();
const browser = await launchBrowser();
const findings = [];
const index = [];
try {
  for (const { who, email, pages } of await pagesOf(server)) {
    const storageState = email ? await signedIn(browser, server, email) : undefined;
    for (const [name, path] of pages) {
      for (const width of [1280, 360]) {
        for (const colorScheme of ['light', 'dark']) {
          const context = await newContext(browser, server, { width, height: width > 600 ? 800 : 740, storageState, colorScheme });
          try {
            const page = await context.newPage();
            const response = await page.goto(server.url + path);
            const status = response?.status() ?? 0;
            const tag = `${who}-${name}-${width}-${colorScheme}`;
            if (status >= 400) findings.push(`${tag}: ${path} answered ${status}`);
            findings.push(...(await checkAccessibility(page, tag)));
            const height = await page.evaluate(() => document.documentElement.scrollHeight);
            const file = `${tag}.png`;
            await page.screenshot({ path: join(out, file), fullPage: true });
            index.push(`${file}\t${path}\t${status}\t${height}px`);
          } finally {
            await context.close();
          }
        }
      }
    }
  }
} finally {
  await browser.close();
  await server.stop();
}
writeFileSync(join(out, 'index.tsv'), `file\tpath\tstatus\theight\n${index.join('\n')}\n`);
writeFileSync(join(out, 'findings.txt'), findings.join('\n') + '\n');
console.log(`tour: ${index.length} screenshots in ${out}; ${findings.length} findings`);
for (const f of findings) console.log(`  ${f}`);
process.exit(findings.length ? 1 : 0);
