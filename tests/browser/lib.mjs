// The harness for deskvisa's browser tests (node:test + playwright-core
// driving Debian's /usr/bin/chromium, axe-core for accessibility).
//
// A test starts a real deskvisa (the binary the Makefile built) on a free
// port with a fresh SQLite database and a mail directory of its own, drives
// a real browser against it, reads the sign-in emails the server writes as
// .eml files, and fails on any request that leaves the server.

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
  const child = spawn(bin, demo ? ['serve', '--demo'] : ['serve'], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DESKVISA_DATABASE_URL: `sqlite://${dir}/db.sqlite?mode=rwc`,
      DESKVISA_MAIL_DIR: mailDir,
      DESKVISA_MAIL_TRANSPORT: 'file',
      DESKVISA_HTTP_BIND: `127.0.0.1:${port}`,
      DESKVISA_HTTP_PUBLIC_URL: url,
      DESKVISA_MAIL_POLL_MS: '100',
      RUST_LOG: 'warn',
      ...extraEnv,
    },
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
 * its subject, a piece of its text, written at or after `after` (a Date or
 * milliseconds), and not one of the files in `ignore` (a Set of paths).
 */
export async function waitForMail(server, { to, subjectIncludes, textIncludes, after = 0, ignore, timeoutMs = 30_000 } = {}) {
  const since = after instanceof Date ? after.getTime() : after;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const matches = [];
    for (const path of emlFiles(server.mailDir)) {
      if (ignore?.has(path)) continue;
      let stat;
      let raw;
      try {
        stat = statSync(path);
        if (stat.mtimeMs < since) continue;
        raw = readFileSync(path, 'utf8');
      } catch {
        continue; // being written or gone
      }
      const mail = parseMail(raw);
      if (to && !mail.to.toLowerCase().includes(to.toLowerCase())) continue;
      if (subjectIncludes && !mail.subject.includes(subjectIncludes)) continue;
      if (textIncludes && !mail.text.includes(textIncludes)) continue;
      matches.push({ ...mail, path, mtimeMs: stat.mtimeMs });
    }
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

/** The first sign-in link in an email's text. */
export function signInLink(mail) {
  const match = /https?:\/\/[^\s<>"']*\/auth\/verify\?token=[^\s<>"']+/.exec(mail.text);
  if (!match) throw new Error(`no sign-in link in «${mail.subject}»:\n${mail.text}`);
  return match[0];
}

// --------------------------------------------------------------- browser

/** Debian's chromium, headless, with nothing that talks to Google. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN || '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A browser context with that viewport and locale, whose every request to
 * anything but the server (data:, about: and blob: URLs aside) is recorded in
 * `context.foreignRequests` and aborted.
 */
export async function newContext(browser, server, { width = 1280, height = 800, locale = 'en-GB' } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  const foreignRequests = [];
  const own = new URL(server.url).host;
  await context.route('**/*', (route) => {
    const url = route.request().url();
    const { protocol, host } = new URL(url);
    if (protocol === 'data:' || protocol === 'about:' || protocol === 'blob:' || host === own) return route.continue();
    foreignRequests.push(url);
    return route.abort();
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
 * Runs axe-core (from node_modules, never a URL) on the page; returns the
 * serious and critical violations as readable lines, prefixed with `label`.
 */
export async function checkAccessibility(page, label = page.url()) {
  axeSource ??= readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) {
    // deskvisa's CSP forbids inline scripts, which is what addScriptTag
    // makes; evaluating through the DevTools protocol is not subject to it.
    await page.addScriptTag({ content: axeSource }).catch(() => {});
    if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  }
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
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

/** Where screenshots go: `$SCREENSHOT_DIR` or var/screenshots. */
export function screenshotDir() {
  const dir = process.env.SCREENSHOT_DIR || join(repoRoot, 'var', 'screenshots');
  return isAbsolute(dir) ? dir : join(repoRoot, dir);
}

/** A full-page PNG at `<screenshotDir>/<name>.png`; returns its path. */
export async function screenshot(page, name) {
  const dir = screenshotDir();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const WIDTHS = [
  { label: 'desktop', width: 1280, height: 800 },
  { label: 'phone', width: 360, height: 740 },
];

/**
 * Opens `path` on a desktop and on a phone (signed in first when `signIn` is
 * an email address, or a function given the context): checks the status,
 * accessibility, foreign requests and, on the phone, horizontal scrolling;
 * takes `<name>-desktop` and `<name>-phone` screenshots. Returns the problems.
 */
export async function visitEveryWidth(browser, server, path, name, signIn) {
  const problems = [];
  for (const { label, width, height } of WIDTHS) {
    const context = await newContext(browser, server, { width, height });
    try {
      let page;
      if (typeof signIn === 'string') page = await signInAs(context, server, signIn);
      else if (typeof signIn === 'function') page = await signIn(context);
      page ??= await context.newPage();
      page.foreignRequests ??= context.foreignRequests;
      const response = await page.goto(server.url + path);
      const status = response?.status() ?? 0;
      if (status === 0 || status >= 400) problems.push(`${name}-${label}: ${path} answered ${status}`);
      problems.push(...(await checkAccessibility(page, `${name}-${label}`)));
      await screenshot(page, `${name}-${label}`);
      if (label === 'phone') {
        const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
        if (scrollWidth > width + 1) problems.push(`${name}-${label}: scrolls sideways (${scrollWidth}px wide)`);
      }
      for (const url of context.foreignRequests) problems.push(`${name}-${label}: foreign request ${url}`);
    } finally {
      await context.close();
    }
  }
  return problems;
}

/**
 * Signs in through the pages, as a person would: asks for a link at
 * /sign-in (in English), opens it from the email, confirms. Returns the
 * page, at `/`.
 */
export async function signInAs(context, server, email) {
  const page = await context.newPage();
  page.foreignRequests = context.foreignRequests;
  await page.goto(`${server.url}/sign-in?lang=en`);
  const before = mailSoFar(server);
  await page.getByLabel('Email').fill(email);
  await page.getByRole('button', { name: 'Send me a sign-in link' }).click();
  const mail = await waitForMail(server, { to: email, textIncludes: '/auth/verify?token=', ignore: before });
  await page.goto(signInLink(mail));
  await Promise.all([
    page.waitForURL((url) => url.pathname === '/'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
  return page;
}
