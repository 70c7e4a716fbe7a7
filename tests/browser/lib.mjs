// The harness for deskvisa's browser tests (node:test + playwright-core
// driving Debian's /usr/bin/chromium, axe-core for accessibility).
//
// A test starts a real deskvisa (the binary the Makefile built) on a free
// port with a fresh SQLite database and a mail directory of its own, drives
// a real browser against it, reads the sign-in emails the server writes as
// .eml files, and fails on any request that leaves the server.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository's root, whatever the current directory. */
export const repoRoot = resolve(here, '..', '..');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- server

/** A port nobody listens on right now. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolvePort(port));
    });
  });
}

function binary() {
  const bin = process.env.DESKVISA_BIN || 'target/debug/deskvisa';
  return isAbsolute(bin) ? bin : join(repoRoot, bin);
}

/**
 * Starts deskvisa on a free port with a fresh database and mail directory.
 * With `demo` (the default) it loads the demo network and parses the API
 * tokens it prints. Resolves once `GET /healthz` answers 200.
 */
export async function startServer({ demo = true, env: extraEnv = {} } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'deskvisa-browser-'));
  const mailDir = join(dir, 'mail');
  const url = `http://127.0.0.1:${port}`;
  const bin = binary();
  try {
    statSync(bin);
  } catch {
    throw new Error(`${bin} is missing: build deskvisa first (make build, or cargo build)`);
  }
  const databaseUrl = `sqlite://${dir}/db.sqlite?mode=rwc`;
  // The server's own settings (what `runCli` runs the CLI with as well).
  const serverEnv = {
    DESKVISA_DATABASE_URL: databaseUrl,
    DESKVISA_MAIL_DIR: mailDir,
    DESKVISA_MAIL_TRANSPORT: 'file',
    DESKVISA_HTTP_BIND: `127.0.0.1:${port}`,
    DESKVISA_HTTP_PUBLIC_URL: url,
    DESKVISA_MAIL_POLL_MS: '100',
    // Every browser of a run signs in from 127.0.0.1: room for them all.
    DESKVISA_AUTH_SIGN_IN_EMAILS_PER_ADDRESS_PER_HOUR: '100',
    DESKVISA_AUTH_SIGN_IN_REQUESTS_PER_CLIENT_PER_MINUTE: '1000',
    RUST_LOG: 'warn',
    ...extraEnv,
  };
  const child = spawn(bin, demo ? ['serve', '--demo'] : ['serve'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...serverEnv },
  });

  // Both pipes are read to their end for the whole life of the process, so
  // the server never blocks on a full pipe.
  const output = [];
  const tokens = {};
  const roles = [
    ['visiting member', 'member'],
    ['host admin', 'hostAdmin'],
    ['network admin', 'networkAdmin'],
  ];
  createInterface({ input: child.stdout }).on('line', (line) => {
    output.push(line);
    for (const [prefix, key] of roles) {
      if (line.trimStart().startsWith(prefix + ' ')) {
        const words = line.trim().split(/\s+/);
        tokens[key] = words[words.length - 1];
      }
    }
  });
  createInterface({ input: child.stderr }).on('line', (line) => output.push(line));

  let exited = null;
  const exit = new Promise((r) =>
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      r(exited);
    }),
  );

  let stopped = false;
  const server = {
    url,
    port,
    dir,
    mailDir,
    /** The server's database (`sqlite://...`), for the CLI on the same data. */
    databaseUrl,
    /** The environment the server runs with (its database, mail, URL). */
    env: serverEnv,
    tokens,
    output,
    /** SIGTERM, then waits for the exit (SIGKILL after 15 s). */
    async stop() {
      if (stopped) return exited;
      stopped = true;
      if (!exited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exit;
        clearTimeout(timer);
      }
      if (!process.env.DESKVISA_KEEP_TEST_DIRS) rmSync(dir, { recursive: true, force: true });
      return exited;
    },
  };

  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await server.stop();
      throw new Error(`deskvisa exited (${JSON.stringify(exited)}) before it was ready:\n${output.join('\n')}`);
    }
    const ready = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) })
      .then((r) => r.status === 200)
      .catch(() => false);
    const tokensIn = !demo || roles.every(([, key]) => tokens[key]);
    if (ready && tokensIn) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`deskvisa was not ready within 60 s (health ${ready}, tokens ${tokensIn}):\n${output.join('\n')}`);
    }
    await sleep(100);
  }
}

/**
 * Runs the deskvisa CLI (`deskvisa <args>`) on the server's database, with
 * the server's settings (its public URL, so printed links point at it) and
 * `env` on top. Resolves, once it exits (killed after `timeoutMs`), to
 * `{ code, stdout, stderr }`.
 */
export function runCli(server, args, { env = {}, timeoutMs = 60_000 } = {}) {
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary(), args, {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...server.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (signal) reject(new Error(`deskvisa ${args.join(' ')} was killed (${signal}) after ${timeoutMs / 1000} s:\n${stdout}${stderr}`));
      else resolveRun({ code, stdout, stderr });
    });
  });
}

/** One HTTP request to the server: `{ status, json, text, headers }`. */
export async function api(server, token, method, path, body) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(server.url + path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    redirect: 'manual',
  });
  const text = await response.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: response.status, json, text, headers: response.headers };
}

// ------------------------------------------------------------------ mail

function emlFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const files = [];
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...emlFiles(path));
    else if (entry.name.endsWith('.eml')) files.push(path);
  }
  return files;
}

function decodeBytes(bytes, charset = 'utf-8') {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

function quotedPrintable(text, { header = false } = {}) {
  if (header) text = text.replace(/_/g, ' ');
  text = text.replace(/=\r?\n/g, '');
  const bytes = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(text[i], 'utf8'));
    }
  }
  return Uint8Array.from(bytes);
}

/** Decodes RFC 2047 encoded-words (`=?UTF-8?B?...?=`, `=?UTF-8?Q?...?=`). */
export function decodeHeader(value) {
  return value
    .replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?[^?]+\?[BbQq]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?*]+)(?:\*[^?]*)?\?([BbQq])\?([^?]*)\?=/g, (_, charset, encoding, text) =>
      decodeBytes(
        encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : quotedPrintable(text, { header: true }),
        charset,
      ),
    );
}

function splitMessage(raw) {
  const match = /\r?\n\r?\n/.exec(raw);
  const head = match ? raw.slice(0, match.index) : raw;
  const body = match ? raw.slice(match.index + match[0].length) : '';
  const headers = {};
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
  }
  return { headers, body };
}

function contentType(value = 'text/plain') {
  const [type, ...params] = value.split(';');
  const out = { type: type.trim().toLowerCase(), params: {} };
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    out.params[param.slice(0, eq).trim().toLowerCase()] = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1');
  }
  return out;
}

function decodeBody(body, headers, charset) {
  const encoding = (headers['content-transfer-encoding'] || '7bit').trim().toLowerCase();
  if (encoding === 'base64') return decodeBytes(Buffer.from(body.replace(/\s+/g, ''), 'base64'), charset);
  if (encoding === 'quoted-printable') return decodeBytes(quotedPrintable(body), charset);
  return body;
}

// The first text/plain and text/html parts, depth first; attachments skipped.
function textParts(raw, found = {}) {
  const { headers, body } = splitMessage(raw);
  const type = contentType(headers['content-type']);
  if (type.type.startsWith('multipart/') && type.params.boundary) {
    const delimiter = '--' + type.params.boundary;
    const chunks = body.split(delimiter).slice(1);
    for (const chunk of chunks) {
      if (chunk.startsWith('--')) break; // the closing delimiter
      textParts(chunk.replace(/^[ \t]*\r?\n/, '').replace(/\r?\n$/, ''), found);
    }
    return found;
  }
  if (/^\s*attachment/i.test(headers['content-disposition'] || '')) return found;
  const charset = type.params.charset || 'utf-8';
  if (type.type === 'text/plain' && found.text === undefined) found.text = decodeBody(body, headers, charset);
  if (type.type === 'text/html' && found.html === undefined) found.html = decodeBody(body, headers, charset);
  return found;
}

/** Parses a raw RFC 5322 message: `{ to, from, subject, text, html, headers }`. */
export function parseMail(raw) {
  const { headers } = splitMessage(raw);
  const parts = textParts(raw);
  return {
    to: decodeHeader(headers.to || ''),
    from: decodeHeader(headers.from || ''),
    subject: decodeHeader(headers.subject || ''),
    text: parts.text ?? '',
    html: parts.html ?? '',
    headers,
  };
}

/**
 * Waits (up to 30 s) for an email in the server's mail directory and returns
 * the newest that matches: `to` (an address, case-insensitive), a piece of
 * its subject, a piece of its text or HTML, written at or after `after` (a
 * Date or milliseconds), and not one of the files in `ignore` (a Set of
 * paths). A file counts once its size held still between two looks: the
 * file transport writes it in place, so one look may catch it half written.
 */
export async function waitForMail(server, { to, subjectIncludes, textIncludes, after = 0, ignore, timeoutMs = 30_000 } = {}) {
  const since = after instanceof Date ? after.getTime() : after;
  const deadline = Date.now() + timeoutMs;
  let sizes = new Map();
  for (;;) {
    const matches = [];
    const seenSizes = new Map();
    for (const path of emlFiles(server.mailDir)) {
      if (ignore?.has(path)) continue;
      let stat;
      let raw;
      try {
        stat = statSync(path);
        if (stat.mtimeMs < since) continue;
        seenSizes.set(path, stat.size);
        if (sizes.get(path) !== stat.size) continue; // new, or still growing: look again
        raw = readFileSync(path, 'utf8');
      } catch {
        continue; // gone
      }
      const mail = parseMail(raw);
      if (to && !mail.to.toLowerCase().includes(to.toLowerCase())) continue;
      if (subjectIncludes && !mail.subject.includes(subjectIncludes)) continue;
      if (textIncludes && !(mail.text + mail.html).includes(textIncludes)) continue;
      matches.push({ ...mail, path, mtimeMs: stat.mtimeMs });
    }
    sizes = seenSizes;
    if (matches.length) return matches.sort((a, b) => b.mtimeMs - a.mtimeMs)[0];
    if (Date.now() > deadline) {
      const seen = emlFiles(server.mailDir).map((p) => parseMail(readFileSync(p, 'utf8')));
      throw new Error(
        `no email ${JSON.stringify({ to, subjectIncludes, textIncludes })} within ${timeoutMs / 1000} s; ` +
          `${seen.length} in ${server.mailDir}: ${seen.map((m) => `${m.to} «${m.subject}»`).join('; ')}`,
      );
    }
    await sleep(100);
  }
}

/** The paths of every email written so far (for `waitForMail`'s `ignore`). */
export const mailSoFar = (server) => new Set(emlFiles(server.mailDir));

/**
 * The first sign-in link in an email: in its text part, else in its HTML
 * part (where `&amp;` is read back as `&`).
 */
export function signInLink(mail) {
  const pattern = /https?:\/\/[^\s<>"']*\/auth\/verify\?token=[^\s<>"']+/;
  const match = pattern.exec(mail.text) ?? pattern.exec((mail.html || '').replace(/&amp;/g, '&'));
  if (!match) throw new Error(`no sign-in link in «${mail.subject}»:\n${mail.text || mail.html}`);
  return match[0];
}

// --------------------------------------------------------------- browser

/** Chromium's switches: headless, and nothing that talks to Google. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Debian's chromium (`$CHROMIUM_BIN` to use another), driven by playwright-core. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    // playwright adds --headless itself for this (and --hide-scrollbars,
    // --mute-audio); the switch is in CHROMIUM_ARGS as well, so the list
    // says everything chromium is started with.
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

/** Whether `url` may be fetched by a page of `server`: its origin, or data:, blob:, about:. */
export function isOwnUrl(server, url) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'data:' || parsed.protocol === 'blob:' || parsed.protocol === 'about:') return true;
  return parsed.origin === new URL(server.url).origin;
}

/**
 * A browser context with that viewport, locale (its Accept-Language) and
 * colour scheme (`prefers-color-scheme`: 'light' or 'dark'),
 * signed in when `storageState` comes from `signedIn`. Below 600 px wide it
 * is a phone (`isMobile`: the page's `<meta name="viewport">` decides the
 * layout width, as on a real phone). Every request to anything but the
 * server's origin (data:, blob: and about: aside) is recorded in
 * `context.foreignRequests` and aborted.
 */
export async function newContext(
  browser,
  server,
  { width = 1280, height = 800, locale = 'en-GB', storageState, acceptDownloads = true, colorScheme = 'light' } = {},
) {
  const phone = width < 600;
  const context = await browser.newContext({
    viewport: { width, height },
    isMobile: phone,
    hasTouch: phone,
    locale,
    storageState,
    acceptDownloads,
    colorScheme,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(30_000);
  const foreignRequests = [];
  const record = (url) => {
    if (!isOwnUrl(server, url) && !foreignRequests.includes(url)) foreignRequests.push(url);
  };
  // Both: the route aborts what would leave; the event also sees what a
  // route does not (a service worker's requests, say).
  context.on('request', (request) => record(request.url()));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isOwnUrl(server, url)) return route.continue();
    record(url);
    return route.abort('blockedbyclient');
  });
  context.foreignRequests = foreignRequests;
  return context;
}

/** A page in a fresh guarded context; `page.foreignRequests` must stay empty. */
export async function newPage(browser, server, options = {}) {
  const context = await newContext(browser, server, options);
  const page = await context.newPage();
  page.foreignRequests = context.foreignRequests;
  return page;
}

let axeSource;

/**
 * Runs axe-core (from node_modules, never a URL; every rule axe runs by
 * default) on the page; returns the serious and critical violations as
 * readable lines, prefixed with `label`.
 */
export async function checkAccessibility(page, label = page.url()) {
  axeSource ??= readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // Evaluated through the DevTools protocol: deskvisa's CSP, which forbids
    // inline scripts (what addScriptTag would make), does not apply.
    await page.evaluate(axeSource);
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
      count: v.nodes.length,
    }));
  });
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${label}: ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(', ')}` +
        (v.count > 3 ? ` and ${v.count - 3} more` : ''),
    );
}

/** Where screenshots go: `$DESKVISA_SCREENSHOTS` or var/screenshots/browser. */
export function screenshotDir() {
  const dir = process.env.DESKVISA_SCREENSHOTS || join('var', 'screenshots', 'browser');
  return isAbsolute(dir) ? dir : join(repoRoot, dir);
}

/** A full-page PNG at `<screenshotDir>/<name>.png`; returns its path. */
export async function screenshot(page, name) {
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const WIDTHS = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 360, height: 740 },
];

/** How wide the document is beyond the viewport, in CSS pixels (0: no sideways scroll). */
export async function sidewaysOverflow(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Opens a page on a desktop and on a phone, each in a fresh context
 * (`storageState` from `signedIn`, or none: signed out); `open(page)` may
 * replace the plain `page.goto(server.url + path)` and may return the
 * main response (else the main frame's last document response counts). Checks the status is one of `status`, axe-core's serious
 * and critical violations, requests that leave the server and, on the
 * phone, sideways scrolling; takes `<name>-desktop` and `<name>-phone`
 * screenshots (`<name>-1280` and `<name>-360` with `byWidth`; `-dark`
 * after them in the dark `colorScheme`). Returns
 * `{ problems, screenshots }`.
 */
export async function visitEveryWidth(browser, server, { path, name, storageState, status = [200], open, byWidth = false, colorScheme = 'light' }) {
  const problems = [];
  const screenshots = [];
  for (const { label, width, height } of WIDTHS) {
    const context = await newContext(browser, server, { width, height, storageState, colorScheme });
    const tag = `${name}-${byWidth ? width : label}${colorScheme === 'light' ? '' : `-${colorScheme}`}`;
    try {
      const page = await context.newPage();
      let lastDocument = null; // the main frame's last document response (after redirects)
      page.on('response', (r) => {
        if (r.request().isNavigationRequest() && r.frame() === page.mainFrame()) lastDocument = r;
      });
      const response = open ? await open(page) : await page.goto(server.url + path);
      await page.waitForLoadState('load');
      const got = (response ?? lastDocument)?.status() ?? 0;
      if (!status.includes(got)) problems.push(`${tag}: ${path} answered ${got}, not ${status.join(' or ')}`);
      problems.push(...(await checkAccessibility(page, tag)));
      screenshots.push(await screenshot(page, tag));
      if (label === 'phone') {
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width + 1) problems.push(`${tag}: scrolls sideways (${scrollWidth}px wide at ${width}px)`);
      }
      for (const url of context.foreignRequests) problems.push(`${tag}: request to another origin: ${url}`);
    } catch (err) {
      problems.push(`${tag}: ${err.message.split('\n')[0]}`);
    } finally {
      await context.close();
    }
  }
  return { problems, screenshots };
}

const EMAIL_LABEL = /^(Email|E-mail)$/;
const SEND_LINK = /^(Send me a sign-in link|Wyślij mi link do logowania)$/;
const CHECK_MAIL = /^(Check your email|Sprawdź pocztę)$/;
const SIGN_IN = /^(Sign in|Zaloguj się)$/;

/**
 * Signs in through the pages, as a person would: types the address into
 * /sign-in, presses "Send me a sign-in link", sees "Check your email", reads
 * the email the server wrote, opens its link and presses "Sign in". Returns
 * the page, at `/`, with the email as `page.signInMail`. Either language.
 */
export async function signInAs(context, server, email) {
  const page = await context.newPage();
  page.foreignRequests = context.foreignRequests;
  await page.goto(`${server.url}/sign-in`);
  const before = mailSoFar(server);
  await page.getByLabel(EMAIL_LABEL).fill(email);
  await page.getByRole('button', { name: SEND_LINK }).click();
  try {
    await page.getByRole('heading', { level: 1, name: CHECK_MAIL }).waitFor();
  } catch {
    const h1 = await page.locator('h1').allTextContents();
    throw new Error(`after asking for a link for ${email}, ${page.url()} says «${h1.join(' | ')}», not "Check your email"`);
  }
  const mail = await waitForMail(server, { to: email, textIncludes: '/auth/verify?token=', ignore: before });
  await page.goto(signInLink(mail));
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/', { waitUntil: 'load' }),
    page.getByRole('button', { name: SIGN_IN }).click(),
  ]);
  page.signInMail = mail;
  // The session, for `signedIn` in later tests: one email per person per run.
  server.sessions ??= new Map();
  if (!server.sessions.has(email)) server.sessions.set(email, context.storageState());
  return page;
}

/**
 * Follows a sign-in link (from an email, or printed by the CLI) in
 * `context`: opens it and presses "Sign in". Returns the page, loaded
 * wherever signing in leads.
 */
export async function followSignInLink(context, link) {
  const page = await context.newPage();
  page.foreignRequests = context.foreignRequests;
  await page.goto(link);
  const button = page.getByRole('button', { name: SIGN_IN });
  if ((await button.count()) !== 1) {
    const h1 = await page.locator('h1').allTextContents();
    throw new Error(`${link} shows «${h1.join(' | ')}», not one "Sign in" button`);
  }
  await Promise.all([page.waitForEvent('load'), button.click()]);
  return page;
}

/**
 * The cookies of a session of `email`, signed in once per server through
 * the real email link (`signInAs`), for `newContext({ storageState })`.
 */
export async function signedIn(browser, server, email) {
  server.sessions ??= new Map();
  if (!server.sessions.has(email)) {
    const making = (async () => {
      const context = await newContext(browser, server);
      try {
        await signInAs(context, server, email);
        return await context.storageState();
      } finally {
        await context.close();
      }
    })();
    server.sessions.set(email, making);
    making.catch(() => server.sessions.delete(email));
  }
  return server.sessions.get(email);
}

/** A fresh context (desktop unless told) signed in as `email`, and a page in it. */
export async function pageAs(browser, server, email, options = {}) {
  const storageState = await signedIn(browser, server, email);
  const context = await newContext(browser, server, { ...options, storageState });
  const page = await context.newPage();
  page.foreignRequests = context.foreignRequests;
  return page;
}

/** Clicks and waits for the document that comes of it; its URL. */
export async function clickAndLoad(page, locator) {
  await Promise.all([page.waitForEvent('load'), locator.click()]);
  return new URL(page.url());
}

/**
 * Asserts the page passes axe with no serious violation and has asked
 * nothing of another origin, then saves its screenshot as `shot`.
 */
export async function assertAccessibleAndOwn(page, name, shot) {
  assert.deepEqual(await checkAccessibility(page, name), [], `${name}: serious accessibility violations`);
  assert.deepEqual(page.foreignRequests, [], `${name}: requests off the server`);
  await screenshot(page, shot);
}
