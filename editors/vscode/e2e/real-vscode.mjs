// The extension in a real VS Code: code-server (VS Code in a browser) with the
// packaged dossier.vsix installed, driven through headless Chromium by
// playwright-core, against the real `dossier` binary.
//
// It copies a corpus (a folder of documents and notes) into a fresh
// workspace, adds a note naming a term, opens the note, waits for the server
// to report "ready", then does what a user would: hovers a Chinese name and
// reads the card, goes to its definition, lists its references, hovers the
// same name in a corpus document, links the name with a code action
// ("Refactor..."), renames the note's title with F2 and its file in the
// Explorer, each of which must update a second note's link to it. The expected answers come from the same
// binary's `dossier lookup --format json` on the same workspace, so the test
// knows nothing of the corpus. Screenshots of every step go to the artefacts
// folder, whether the step passed or not.
//
// `cargo xtask vscode-e2e` installs the tools and runs this script; run by
// hand it needs these variables:
//   DOSSIER_E2E_TOOLS      node_modules holding code-server and playwright-core
//   DOSSIER_E2E_VSIX       the packaged extension
//   DOSSIER_E2E_SERVER     the dossier binary
//   DOSSIER_E2E_CORPUS     the folder copied into the workspace (seeds/)
//   DOSSIER_E2E_OUT        a scratch folder, emptied first; screenshots in its screenshots/
//   DOSSIER_E2E_CHROMIUM   the browser (default /usr/bin/chromium)

import { spawn, spawnSync } from "node:child_process";
import console from "node:console";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as net from "node:net";
import * as path from "node:path";
import process from "node:process";
import { setTimeout as sleep } from "node:timers/promises";

/** The Chinese name the note mentions and the test hovers. */
const NAME = "马云";
/** The note added to the workspace: the name on line 3, after "Notes on ". */
const NOTE_PATH = "notes/e2e-visit.md";
const NOTE_TEXT = `# A visit\n\nNotes on ${NAME} and his letters to the staff.\n`;
const NOTE_LINE = 3;
const NOTE_COLUMN = "Notes on ".length + 1;
/** A second note, linking to the first by its title: a rename of that title must follow. */
const TRIP_PATH = "notes/e2e-trip.md";
const TRIP_TEXT = "# Trip\n\nBack from [[A visit]] (see [the visit](e2e-visit.md)).\n";
/** What the first note's file is renamed to in the Explorer. */
const NEW_FILE = "e2e-journey.md";
/** What the first note's title becomes. */
const NEW_TITLE = "A journey";

/** How long the server may take to ingest the workspace and report ready. */
const READY_TIMEOUT_MS = 120_000;
/** How long one editor action (hover, definition, references) may take. */
const ACTION_TIMEOUT_MS = 30_000;

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return path.resolve(value);
}

const tools = required("DOSSIER_E2E_TOOLS");
const vsix = required("DOSSIER_E2E_VSIX");
const server = required("DOSSIER_E2E_SERVER");
const corpus = required("DOSSIER_E2E_CORPUS");
const out = required("DOSSIER_E2E_OUT");
const chromiumPath = process.env.DOSSIER_E2E_CHROMIUM || "/usr/bin/chromium";
const codeServer = path.join(tools, ".bin", "code-server");
const { chromium } = createRequire(path.join(tools, "playwright-core", "package.json"))("playwright-core");

const workspace = path.join(out, "workspace");
const userData = path.join(out, "user-data");
const extensions = path.join(out, "extensions");
const browserProfile = path.join(out, "chromium-profile");
const screenshots = path.join(out, "screenshots");

/** What the test checked, one line each, printed at the end. */
const passed = [];

function prepare() {
  fs.rmSync(out, { recursive: true, force: true });
  for (const folder of [userData, extensions, browserProfile, screenshots]) {
    fs.mkdirSync(folder, { recursive: true });
  }
  fs.cpSync(corpus, workspace, { recursive: true });
  fs.mkdirSync(path.dirname(path.join(workspace, NOTE_PATH)), { recursive: true });
  fs.writeFileSync(path.join(workspace, NOTE_PATH), NOTE_TEXT);
  fs.writeFileSync(path.join(workspace, TRIP_PATH), TRIP_TEXT);
  fs.mkdirSync(path.join(userData, "User"), { recursive: true });
  const settings = {
    "dossier.server.path": server,
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "telemetry.telemetryLevel": "off",
    "extensions.autoCheckUpdates": false,
    "extensions.autoUpdate": false,
    "update.mode": "none",
    "security.workspace.trust.enabled": false,
    "editor.hover.delay": 100,
    "editor.minimap.enabled": false,
    "chat.commandCenter.enabled": false,
    "git.enabled": false,
  };
  fs.writeFileSync(path.join(userData, "User", "settings.json"), JSON.stringify(settings, null, 2));
}

/** The card's expected parts, from the same binary on the same workspace. */
function lookup(name) {
  const result = spawnSync(server, ["lookup", name, ".", "--format", "json", "--no-progress"], {
    cwd: workspace,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    throw new Error(`dossier lookup ${name} failed: ${result.stderr}`);
  }
  // The lookup must not leave its cache behind for the server to find.
  fs.rmSync(path.join(workspace, ".dossier"), { recursive: true, force: true });
  return JSON.parse(result.stdout);
}

function installExtension() {
  const result = spawnSync(
    codeServer,
    ["--user-data-dir", userData, "--extensions-dir", extensions, "--install-extension", vsix],
    { encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(`code-server --install-extension failed: ${result.stdout}${result.stderr}`);
  }
  passed.push(`installed ${path.basename(vsix)} into code-server`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts code-server on 127.0.0.1 only, without authentication, and waits until it listens. */
async function startCodeServer(port) {
  const log = fs.openSync(path.join(out, "code-server.log"), "w");
  const child = spawn(
    codeServer,
    [
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--auth",
      "none",
      "--disable-workspace-trust",
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-getting-started-override",
      "--user-data-dir",
      userData,
      "--extensions-dir",
      extensions,
      workspace,
    ],
    { stdio: ["ignore", log, log], detached: true },
  );
  // Its own process group, so that stopping it stops its children (the extension host, the server).
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`code-server exited with ${child.exitCode}; see ${path.join(out, "code-server.log")}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) {
        return child;
      }
    } catch {
      // Not listening yet.
    }
    await sleep(250);
  }
  stopCodeServer(child);
  throw new Error("code-server did not listen within 60 s");
}

function stopCodeServer(child) {
  try {
    process.kill(-child.pid, "SIGTERM");
  } catch {
    // Already gone.
  }
}

let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const file = path.join(screenshots, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Opens a workspace file through Quick Open, as a user would, and waits for its tab. */
async function openFile(page, relative) {
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
  await input.fill(relative);
  // Wait until the list has caught up with the typed text before choosing.
  await page
    .locator(".quick-input-list .monaco-list-row", { hasText: path.basename(relative) })
    .first()
    .click({ timeout: ACTION_TIMEOUT_MS });
  await activeTab(page, path.basename(relative));
}

/** Waits until the active editor tab is the given file name. */
async function activeTab(page, fileName) {
  await page
    .locator(`.tabs-container .tab.active[aria-label^="${fileName}"]`)
    .waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
}

/** Moves the cursor with "Go to Line/Column" (1-based line and column). */
async function goTo(page, line, column) {
  await page.keyboard.press("Control+G");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: ACTION_TIMEOUT_MS });
}

/** Hovers the text `name` on the editor's line `line` with the mouse and returns the card's text. */
async function hoverName(page, line, name) {
  await goTo(page, line, 1);
  // The cursor's line is in view now; find the name's pixels in it.
  const box = await page.evaluate((needle) => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor .view-lines");
    if (!editor) {
      return null;
    }
    const walker = document.createTreeWalker(editor, NodeFilter.SHOW_TEXT);
    const current = document.querySelector(".editor-group-container.active .monaco-editor .current-line");
    const top = current ? current.getBoundingClientRect().top : null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.textContent.indexOf(needle);
      if (at < 0) {
        continue;
      }
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + needle.length);
      const rect = range.getBoundingClientRect();
      if (top === null || Math.abs(rect.top - top) < rect.height) {
        return { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 };
      }
    }
    return null;
  }, name);
  if (!box) {
    throw new Error(`cannot find "${name}" on line ${line} of the editor`);
  }
  const hover = page.locator(".monaco-hover:not(.hidden) .monaco-hover-content");
  // The hover waits for the mouse to rest; move in two steps so that it sees a move.
  await page.mouse.move(box.x - 40, box.y);
  await page.mouse.move(box.x, box.y, { steps: 4 });
  await hover.first().waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
  // The first frame may be "Loading..."; wait for the card's heading.
  await page.waitForFunction(
    () => {
      const content = document.querySelector(".monaco-hover:not(.hidden) .monaco-hover-content");
      return content && !/Loading/.test(content.textContent) && content.textContent.trim().length > 0;
    },
    undefined,
    { timeout: ACTION_TIMEOUT_MS },
  );
  return (await hover.first().innerText()).trim();
}

/** The text of the active editor's rendered lines, top to bottom. */
async function editorText(page) {
  return page.evaluate(() => {
    const lines = [
      ...document.querySelectorAll(".editor-group-container.active .monaco-editor .view-lines .view-line"),
    ];
    return lines
      .map((line) => ({ top: line.getBoundingClientRect().top, text: line.textContent.replace(/\u00a0/g, " ") }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text)
      .join("\n");
  });
}

/** Waits until the active editor's text matches `pattern`; returns the text last read. */
async function waitForText(page, pattern) {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  let text = await editorText(page);
  while (!pattern.test(text) && Date.now() < deadline) {
    await sleep(200);
    text = await editorText(page);
  }
  return text;
}

/** Waits until the workspace file's text matches `pattern`; returns the text last read. */
async function waitForFile(relative, pattern) {
  const deadline = Date.now() + ACTION_TIMEOUT_MS;
  const read = () => fs.readFileSync(path.join(workspace, relative), "utf8");
  let text = read();
  while (!pattern.test(text) && Date.now() < deadline) {
    await sleep(200);
    text = read();
  }
  return text;
}

/**
 * Runs a command by its title from the Command Palette, as a user would. The
 * palette can be closed under the test by a focus change (the Explorer
 * revealing a renamed file): it is opened again, up to three times.
 */
async function runCommand(page, title) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await page.keyboard.press("F1");
      const input = page.locator(".quick-input-widget input");
      await input.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
      await input.fill(`>${title}`, { timeout: 5_000 });
      await page
        .locator(".quick-input-list .monaco-list-row", { hasText: title })
        .first()
        .click({ timeout: 5_000 });
      return;
    } catch (error) {
      if (attempt === 3) {
        throw new Error(`the Command Palette did not run "${title}": ${error.message}`);
      }
      await page.keyboard.press("Escape");
    }
  }
}

function check(condition, what, detail) {
  if (!condition) {
    throw new Error(`${what}${detail ? `: ${detail}` : ""}`);
  }
  passed.push(what);
}

/**
 * Whether the card's identity (everything down to its counts line, "… in
 * notes") is inside the hover's visible box, unscrolled.
 */
async function identityFits(page) {
  return page.evaluate(() => {
    const hover = document.querySelector(".monaco-hover:not(.hidden)");
    if (!hover) {
      return "no hover";
    }
    const box = hover.getBoundingClientRect();
    const counts = [...hover.querySelectorAll("p")].find((p) => /in notes$/.test(p.textContent.trim()));
    if (!counts) {
      return "no counts line";
    }
    const bottom = counts.getBoundingClientRect().bottom;
    return bottom <= box.bottom ? "" : `the counts line ends at ${bottom}px, the hover at ${box.bottom}px`;
  });
}

/** The card must name the term, its kind, and the name hovered. */
function checkCard(card, expected, where) {
  check(card.includes(expected.label), `the card ${where} names the term "${expected.label}"`, card);
  if (expected.kind) {
    check(card.includes(expected.kind), `the card ${where} gives its kind "${expected.kind}"`, card);
  }
  check(card.includes(NAME), `the card ${where} lists the name ${NAME}`, card);
}

async function main() {
  prepare();
  const expected = lookup(NAME);
  installExtension();
  const port = await freePort();
  const codeServerProcess = await startCodeServer(port);
  let context;
  let page;
  try {
    // A persistent context is how playwright takes a profile folder (--user-data-dir).
    context = await chromium.launchPersistentContext(browserProfile, {
      executablePath: chromiumPath,
      headless: true,
      viewport: { width: 1400, height: 900 },
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: 60_000 });
    await screenshot(page, "workbench");

    await openFile(page, NOTE_PATH);
    const ready = page.locator(".statusbar-item", { hasText: /Dossier: [\d,]+ terms?/ });
    try {
      await ready.first().waitFor({ state: "visible", timeout: READY_TIMEOUT_MS });
    } catch (error) {
      await screenshot(page, "server-not-ready");
      throw new Error(`the status bar never showed "Dossier: N terms" (the server is not ready): ${error.message}`);
    }
    check(true, `the server reports ready: "${(await ready.first().innerText()).trim()}"`);
    await screenshot(page, "server-ready");

    // Hover in the note.
    const noteCard = await hoverName(page, NOTE_LINE, NAME);
    await screenshot(page, "hover-in-note");
    checkCard(noteCard, expected, "in the note");
    const overflow = await identityFits(page);
    check(overflow === "", "the card's identity fits in the hover without scrolling", overflow);
    await page.keyboard.press("Escape");

    // Go to definition: the card's definition, or its first mention.
    await goTo(page, NOTE_LINE, NOTE_COLUMN);
    await page.keyboard.press("F12");
    const target = expected.definition ? expected.definition.path : expected.mentions[0].path;
    await activeTab(page, path.basename(target));
    await screenshot(page, "definition");
    check(true, `go to definition opens ${target}`);

    // Find references, back in the note: the peek view lists the mentions.
    await openFile(page, NOTE_PATH);
    await goTo(page, NOTE_LINE, NOTE_COLUMN);
    await page.keyboard.press("Shift+F12");
    const peekTitle = page.locator(".peekview-widget .peekview-title");
    await peekTitle.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
    await page.locator(".peekview-widget .monaco-list-row").first().waitFor({ timeout: ACTION_TIMEOUT_MS });
    await screenshot(page, "references");
    const rows = await page.locator(".peekview-widget .monaco-list-row").allInnerTexts();
    const files = new Set(expected.mentions.map((mention) => path.basename(mention.path)));
    check(
      rows.some((row) => [...files].some((file) => row.includes(file))),
      `the references list names a file where the term is mentioned`,
      rows.join(" | "),
    );
    const title = (await peekTitle.innerText()).replace(/\s+/g, " ").trim();
    const count = Number(/References \((\d+)\)/.exec(title)?.[1] ?? 0);
    check(count > 0, `the references view counts them: "${title}"`, title);
    await page.keyboard.press("Escape");

    // Hover in a corpus document, on the first mention of the name there.
    const mention = expected.mentions.find((candidate) => candidate.surface === NAME && !candidate.path.endsWith(".md"));
    check(Boolean(mention), `dossier lookup finds ${NAME} in a corpus document`);
    await openFile(page, mention.path);
    const documentCard = await hoverName(page, mention.line + 1, NAME);
    await screenshot(page, "hover-in-document");
    checkCard(documentCard, expected, `in ${mention.path}`);

    // A code action on the unlinked mention, from "Refactor...": the name becomes a wikilink.
    await openFile(page, NOTE_PATH);
    await goTo(page, NOTE_LINE, NOTE_COLUMN);
    await runCommand(page, "Refactor...");
    const link = page.getByText(/^Link this mention to/);
    try {
      await link.first().waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
      // Chosen with the keyboard, as the menu takes it (it blocks the
      // pointer until the mouse moves over it).
      const chosen = page.locator(".monaco-list-row.focused", { hasText: "Link this mention to" });
      for (let step = 0; step < 10 && (await chosen.count()) === 0; step += 1) {
        await page.keyboard.press("ArrowDown");
      }
      await page.keyboard.press("Enter");
    } catch (error) {
      await screenshot(page, "no-link-action");
      throw new Error(`"Refactor..." offered no "Link this mention to" action: ${error.message}`);
    }
    // Saved as a user would, then read from the disk: the editor's rendered
    // lines also hold the inlay hints.
    const linkPattern = new RegExp(`\\[\\[[^\\]]*\\|${NAME}\\]\\]`);
    await runCommand(page, "File: Save All");
    const linked = await waitForFile(NOTE_PATH, linkPattern);
    await screenshot(page, "code-action");
    check(linkPattern.test(linked), `the code action "Link this mention to …" made ${NAME} a wikilink`, linked);

    // Rename (F2) on the note's title: its heading and the link in the other note follow.
    await goTo(page, 1, 4);
    await page.keyboard.press("F2");
    const renameInput = page.locator(".rename-box input");
    try {
      await renameInput.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
    } catch (error) {
      await screenshot(page, "no-rename-box");
      throw new Error(`F2 on the title opened no rename box: ${error.message}`);
    }
    await renameInput.fill(NEW_TITLE);
    await page.keyboard.press("Enter");
    await waitForText(page, new RegExp(`^# ${NEW_TITLE}`, "m"));
    await screenshot(page, "rename");
    await runCommand(page, "File: Save All");
    const renamed = await waitForFile(NOTE_PATH, new RegExp(`^# ${NEW_TITLE}$`, "m"));
    check(new RegExp(`^# ${NEW_TITLE}$`, "m").test(renamed), `F2 renamed the note's title to "${NEW_TITLE}"`, renamed);
    const trip = await waitForFile(TRIP_PATH, new RegExp(`\\[\\[${NEW_TITLE}\\]\\]`));
    check(trip.includes(`[[${NEW_TITLE}]]`), `the rename updated the link in ${TRIP_PATH}`, trip);

    // Renaming the note's file in the Explorer (F2): the client asks the
    // server (workspace/willRenameFiles), and the link by file name follows.
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: path.basename(NOTE_PATH) }).first().click();
    await page.keyboard.press("F2");
    const fileInput = page.locator(".explorer-folders-view .monaco-inputbox input");
    await fileInput.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
    await fileInput.fill(NEW_FILE);
    await page.keyboard.press("Enter");
    // VS Code asks before it applies an extension's edits for a file move: OK.
    const confirm = page.locator(".monaco-dialog-box", { hasText: "wants to make refactoring changes" });
    try {
      await confirm.waitFor({ state: "visible", timeout: ACTION_TIMEOUT_MS });
    } catch (error) {
      await screenshot(page, "no-file-rename-edits");
      throw new Error(`the file move brought no edits from the server: ${error.message}`);
    }
    await screenshot(page, "file-rename-confirm");
    await confirm.locator(".monaco-button", { hasText: /^OK$/ }).first().click({ timeout: ACTION_TIMEOUT_MS });
    await confirm.waitFor({ state: "hidden", timeout: ACTION_TIMEOUT_MS });
    const moved = path.join(path.dirname(NOTE_PATH), NEW_FILE);
    const deadline = Date.now() + ACTION_TIMEOUT_MS;
    while (!fs.existsSync(path.join(workspace, moved)) && Date.now() < deadline) {
      await sleep(200);
    }
    check(fs.existsSync(path.join(workspace, moved)), `the Explorer renamed the note to ${moved}`);
    await runCommand(page, "File: Save All");
    const relinked = await waitForFile(TRIP_PATH, new RegExp(`\\(${NEW_FILE.replace(".", "\\.")}\\)`));
    await screenshot(page, "file-rename");
    check(relinked.includes(`(${NEW_FILE})`), `the file rename updated the link by file name in ${TRIP_PATH}`, relinked);
  } catch (error) {
    if (page) {
      await screenshot(page, "failure").catch(() => undefined);
    }
    throw error;
  } finally {
    await context?.close();
    stopCodeServer(codeServerProcess);
  }
}

try {
  await main();
  for (const line of passed) {
    console.log(`ok: ${line}`);
  }
  console.log(`screenshots in ${screenshots}`);
  console.log(`vscode-e2e: ${passed.length} passed, 0 failed`);
} catch (error) {
  for (const line of passed) {
    console.log(`ok: ${line}`);
  }
  console.error(`FAILED: ${error.message}`);
  console.log(`vscode-e2e: ${passed.length} passed, 1 failed`);
  console.error(`screenshots in ${screenshots}; code-server log in ${path.join(out, "code-server.log")}`);
  process.exitCode = 1;
}
