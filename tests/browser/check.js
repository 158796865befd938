// Headless Chromium over file:// on a built dossier: every page loads with no console error,
// no page error, no request that is not file://, every href/src is relative, ends in a file
// name and resolves, every image decodes; search.html?q=… finds what it must.
//
// Hostile input: no page (and no search for a hostile query) may open a dialog (alert/confirm/
// prompt), set the canary `window.__pwned`, set its title to PWNED or navigate away;
// the parsed DOM may hold no script but the theme's own, no on* attribute, no javascript:/
// vbscript:/data: URL, no <base>, <meta http-equiv=refresh>, <style>, CSS url()/expression().
//
//   node tests/browser/check.js OUT [--expect 'QUERY=>HREF_PART']...
//
// Exits 0 when everything holds, 1 with a list of problems otherwise, 2 when it cannot run.
"use strict";

const fs = require("fs");
const path = require("path");
const { pathToFileURL, fileURLToPath } = require("url");

let chromium;
try {
  ({ chromium } = require("playwright-core"));
} catch (e) {
  console.error("playwright-core is missing: run `npm ci --prefix tests/browser`");
  process.exit(2);
}

const args = process.argv.slice(2);
const out = args[0];
if (!out || !fs.existsSync(path.join(out, "index.html"))) {
  console.error("usage: node check.js OUT [--expect 'QUERY=>HREF_PART']...  (OUT/index.html must exist)");
  process.exit(2);
}
const expects = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === "--expect" && args[i + 1]) {
    const [q, href] = args[++i].split("=>");
    expects.push({ q, href });
  }
}
const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// Chromium shows PDFs in <iframe> with its built-in viewer, an extension compiled into the
// browser that loads its own UI from chrome://resources/: neither is a network request.
// Everything else that is not file:// is reported.
const PDF_VIEWER = "chrome-extension://mhjfbmdgcfjbbpaeojofohoefgiehjai/";
const BROWSER_INTERNAL = [PDF_VIEWER, "chrome://resources/"];
const internal = (u) => BROWSER_INTERNAL.some((p) => u.startsWith(p));
const local = (u) => u.startsWith("file://") || internal(u);

function htmlFiles(dir) {
  const found = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) {
      // Copies of the case's own files are data, not pages of the dossier.
      if (e.name === "files") continue;
      found.push(...htmlFiles(p));
    } else if (e.name.endsWith(".html")) {
      found.push(p);
    }
  }
  return found.sort();
}

const problems = [];
function problem(page, what) {
  problems.push(`${path.relative(out, page) || page}: ${what}`);
}

function watch(page, file) {
  page.on("dialog", (d) => {
    problem(file, `dialog opened (${d.type()}): ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on("console", (m) => {
    if (m.type() === "error") problem(file, `console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problem(file, `page error: ${e.message}`));
  page.on("request", (r) => {
    if (!local(r.url())) problem(file, `request that is not file://: ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    const f = r.failure();
    // A media preload cut short when the page is closed is not a broken link.
    if (f && f.errorText === "net::ERR_ABORTED" && (/\.(mp4|mov|webm|mp3|wav|m4a|pdf)$/i.test(r.url()) || internal(r.url()))) return;
    problem(file, `request failed: ${r.url()} (${f ? f.errorText : "?"})`);
  });
}

function checkRef(file, pageUrl, attr, value) {
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith("/") || value.startsWith("\\")) {
    problem(file, `${attr}="${value}" is not a relative link`);
    return;
  }
  const u = new URL(value, pageUrl);
  const last = u.pathname.split("/").pop();
  if (!last || !last.includes(".")) {
    problem(file, `${attr}="${value}" does not end in a file name`);
    return;
  }
  const target = fileURLToPath(u);
  if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
    problem(file, `${attr}="${value}" does not resolve (${target})`);
  }
}

// The theme's own scripts; any other <script> is injected.
const THEME_SCRIPT = /^(\.\.\/)*assets\/(js\/(archive|search)|search-index)\.js$/;
// Attributes that hold a URL (besides href/src, which checkRef follows).
const URL_ATTRS = ["action", "formaction", "data", "poster", "srcset", "xlink:href", "background", "lowsrc", "ping", "cite", "codebase"];

// What the page's DOM holds that it must not, after any script had its chance to run.
async function inspect(page) {
  return page.evaluate((args) => {
    const [themeScript, urlAttrs] = args;
    const theme = new RegExp(themeScript);
    const bad = [];
    const danger = (v) => {
      const t = String(v).replace(/[\u0000-\u0020\u007f-\u00a0]/g, "").toLowerCase();
      return /^(javascript|vbscript|data|livescript):/.test(t) || /^(https?:|\/\/|\\\\)/.test(t);
    };
    for (const s of document.querySelectorAll("script")) {
      const src = s.getAttribute("src");
      if (src === null || !theme.test(src) || s.textContent.trim() !== "") bad.push(`script not from the theme: ${s.outerHTML.slice(0, 120)}`);
    }
    for (const el of document.querySelectorAll("*")) {
      for (const a of el.attributes) {
        const n = a.name.toLowerCase();
        if (n.startsWith("on")) bad.push(`event handler ${n} on <${el.localName}>: ${a.value.slice(0, 80)}`);
        if ((n === "href" || n === "src" || urlAttrs.includes(n)) && danger(a.value)) bad.push(`${n}="${a.value.slice(0, 80)}" on <${el.localName}>`);
        if (n === "style" && /url\s*\(|expression\s*\(|javascript:/i.test(a.value)) bad.push(`style="${a.value.slice(0, 80)}" on <${el.localName}>`);
      }
      const tag = el.localName;
      if (["base", "style", "embed", "applet", "frame", "frameset"].includes(tag)) bad.push(`<${tag}> element`);
      if (tag === "meta" && /refresh|set-cookie/i.test(el.getAttribute("http-equiv") || "")) bad.push(`<meta http-equiv="${el.getAttribute("http-equiv")}">`);
      if (tag === "link" && !/^stylesheet$/i.test(el.getAttribute("rel") || "")) bad.push(`<link rel="${el.getAttribute("rel")}">`);
    }
    return {
      bad,
      pwned: typeof window.__pwned === "undefined" ? null : String(window.__pwned),
      title: document.title,
      href: location.href,
    };
  }, [THEME_SCRIPT.source, URL_ATTRS]);
}

// Lets timers, onload/ontoggle/onfocus handlers and meta refreshes fire, then looks.
async function hostileChecks(page, file, url) {
  await page.waitForTimeout(250);
  let r;
  try {
    r = await inspect(page);
  } catch (e) {
    problem(file, `cannot inspect the page (did it navigate away?): ${e.message}`);
    return;
  }
  if (r.pwned !== null) problem(file, `canary set: window.__pwned = ${r.pwned}`);
  // Payloads set document.title = 'PWNED' (the escaped payload text itself is a longer title).
  if (r.title.trim() === "PWNED") problem(file, "title set to PWNED by a script");
  if (r.href !== url) problem(file, `page navigated to ${r.href}`);
  for (const b of r.bad) problem(file, b);
}

// Queries that make search.html render hostile text: in the box, in the status line and,
// through the index, in result titles and snippets.
const HOSTILE_QUERIES = [
  "<img src=x onerror=window.__pwned=1>",
  "\"><svg onload=alert(1)>",
  "</script><script>window.__pwned=1</script>",
  "pwned",
  "script",
  "onerror",
  "javascript:",
  "{{",
];

(async () => {
  let browser;
  try {
    browser = await chromium.launch({
      executablePath,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--mute-audio"],
    });
  } catch (e) {
    console.error(`cannot start Chromium at ${executablePath}: ${e.message}`);
    process.exit(2);
  }
  const context = await browser.newContext();
  const pages = htmlFiles(out);
  let refs = 0;
  for (const file of pages) {
    const page = await context.newPage();
    watch(page, file);
    const url = pathToFileURL(file).href;
    try {
      await page.goto(url, { waitUntil: "load", timeout: 30000 });
    } catch (e) {
      problem(file, `does not load: ${e.message}`);
      await page.close();
      continue;
    }
    const found = await page.evaluate(() => {
      const list = [];
      for (const el of document.querySelectorAll("[href], [src], [action], [formaction], [data], [poster]")) {
        for (const a of ["href", "src", "action", "formaction", "data", "poster"]) {
          if (el.hasAttribute(a)) list.push([a, el.getAttribute(a)]);
        }
      }
      const images = [...document.images].map((i) => [i.getAttribute("src"), i.complete && i.naturalWidth > 0]);
      const csp = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      return { list, images, csp: csp ? csp.getAttribute("content") : null };
    });
    if (!found.csp || !/default-src 'none'/.test(found.csp)) problem(file, "no Content-Security-Policy with default-src 'none'");
    for (const [a, v] of found.list) {
      refs++;
      checkRef(file, url, a, v);
    }
    for (const [src, ok] of found.images) {
      if (!ok) problem(file, `image does not display: ${src}`);
    }
    await hostileChecks(page, file, url);
    await page.close();
  }

  for (const q of HOSTILE_QUERIES) {
    const file = path.join(out, "search.html");
    const page = await context.newPage();
    watch(page, file);
    const url = pathToFileURL(file).href + "?q=" + encodeURIComponent(q);
    await page.goto(url, { waitUntil: "load" });
    await hostileChecks(page, file, url);
    const shown = await page.$$eval("#results li", (li) => li.length);
    console.log(`hostile search ?q=${q}: ${shown} result(s) rendered`);
    await page.close();
  }

  for (const { q, href } of expects) {
    const file = path.join(out, "search.html");
    const page = await context.newPage();
    watch(page, file);
    const url = pathToFileURL(file).href + "?q=" + encodeURIComponent(q);
    await page.goto(url, { waitUntil: "load" });
    const hits = await page.$$eval("#results li a", (as) => as.map((a) => [a.getAttribute("href"), a.textContent]));
    const value = await page.$eval("#q", (i) => i.value);
    if (value !== q) problem(file, `?q=${q}: the search box shows “${value}”`);
    const want = encodeURI(href);
    if (!hits.some(([h, t]) => h.includes(href) || h.includes(want) || t.includes(href))) {
      problem(file, `?q=${q} does not find ${href} (found ${hits.length}: ${hits.slice(0, 5).map((h) => h[0]).join(", ")})`);
    } else {
      console.log(`search ?q=${q}: ${hits.length} result(s), includes ${href}`);
    }
    await page.close();
  }
  await browser.close();

  console.log(`checked ${pages.length} pages, ${refs} links, ${expects.length} searches over file://`);
  if (problems.length) {
    for (const p of problems) console.log(`FAIL ${p}`);
    console.log(`${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log("browser check: all good");
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
