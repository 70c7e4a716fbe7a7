// Firms meet firms, in a real browser (issue 21): Anna's stay in Copenhagen
// is approved; on her stay page she asks to meet the firm suggested first;
// its contact gets the email, opens its link, accepts; each then sees the
// other's address, and only then. The directory and the pages on the way
// pass axe with no serious violation and leave no request off the server.
//
//   node --test --test-concurrency=1 tests/browser/firms.test.mjs

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { api, checkAccessibility, clickAndLoad, launchBrowser, pageAs, screenshot, startServer, waitForMail } from './lib.mjs';

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
  assert.deepEqual(await checkAccessibility(page, name), [], `${name}: serious accessibility violations`);
  await screenshot(page, `firms-${name}`);
}

test('a visitor asks on the stay page to meet a host firm; its contact accepts from the email; then each sees the other', { timeout: 240_000 }, async () => {
  const { tokens } = server;
  // Anna's demo stay in Copenhagen waits for the host: it is approved.
  const stays = await api(server, tokens.member, 'GET', '/api/v1/stays');
  const stay = stays.json.items.find((s) => s.status === 'pending');
  assert.ok(stay, `a pending stay of Anna's: ${stays.text}`);
  const approved = await api(server, tokens.hostAdmin, 'POST', `/api/v1/stays/${stay.id}/approve`);
  assert.equal(approved.status, 200, approved.text);
  const suggested = await api(server, tokens.member, 'GET', `/api/v1/stays/${stay.id}/suggested-firms`);
  assert.equal(suggested.status, 200, suggested.text);
  const firm = suggested.json.items[0].firm;
  // Who answers for it: the network's staff may see; the visitor may not.
  assert.equal(firm.contact_member_id, null, 'the visitor is not told who the contact is');
  const seen = await api(server, tokens.networkAdmin, 'GET', `/api/v1/firms/${firm.id}`);
  const members = await api(server, tokens.networkAdmin, 'GET', `/api/v1/clusters/${firm.cluster_id}/members?limit=200`);
  const contact = members.json.items.find((m) => m.id === seen.json.contact_member_id);
  assert.ok(contact, 'the firm has a contact in its cluster');

  // Anna, in Polish, finds the firm on her stay page and asks to meet it.
  const anna = await pageAs(browser, server, ANNA);
  await anna.goto(`${server.url}/stays/${stay.id}`);
  const card = anna.locator(`li#suggested-${firm.id}`);
  await card.waitFor();
  assert.match(await anna.locator('#meeting-title').textContent(), /Firmy, które możesz poznać/);
  await accessible(anna, 'stay-suggestions');
  await card.locator('textarea[name="note"]').fill('Szukamy partnera do wspólnego projektu. Kawa?');
  const asked = await clickAndLoad(anna, card.getByRole('button', { name: /Poproś o przedstawienie/ }));
  assert.equal(`${asked.pathname}?${asked.searchParams}`, `/stays/${stay.id}?done=asked`);
  await anna.locator('p.flash[role="status"]').waitFor();
  assert.ok(!(await anna.content()).includes(contact.email), "nothing of the contact before they accept");

  // The contact reads the email and follows its link. (The demo's own
  // emails, some to the same contact about the same firm, may still be on
  // their way: this one is known by Anna's note.)
  const mail = await waitForMail(server, { to: contact.email, subjectIncludes: firm.name, textIncludes: 'Szukamy partnera' });
  const link = /https?:\/\/[^\s<>"']*\/introductions\/[0-9a-f-]{36}/.exec(mail.text);
  assert.ok(link, `a link to the introduction in «${mail.subject}»:\n${mail.text}`);
  const host = await pageAs(browser, server, contact.email);
  await host.goto(link[0].replace(/^https?:\/\/[^/]+/, server.url));
  await accessible(host, 'introduction');
  const accepted = await clickAndLoad(host, host.getByRole('button', { name: /^(Accept and share addresses|Przyjmij i udostępnij adresy)$/ }));
  assert.match(accepted.pathname, /^\/introductions\//);
  await host.locator('p.flash[role="status"]').waitFor();
  assert.ok((await host.content()).includes(ANNA), "the contact now has Anna's address");

  // Anna sees who accepted, with their address; the directory finds the firm.
  await anna.goto(`${server.url}/introductions`);
  assert.ok((await anna.content()).includes(contact.email), "Anna now has the contact's address");
  await accessible(anna, 'introductions');
  await anna.goto(`${server.url}/firms?q=${encodeURIComponent(firm.name.split(' ').at(-2))}`);
  await anna.locator(`li#firm-${firm.id}`).waitFor();
  await accessible(anna, 'directory');
  await clickAndLoad(anna, anna.locator(`li#firm-${firm.id} a`).first());
  assert.equal((await anna.locator('h1').textContent()).trim(), firm.name);
  await accessible(anna, 'firm');
  assert.deepEqual(anna.foreignRequests, [], 'requests that left the server');
  assert.deepEqual(host.foreignRequests, [], 'requests that left the server');
  await anna.context().close();
  await host.context().close();
});
