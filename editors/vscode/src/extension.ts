// The Dossier extension: starts `dossier lsp` for Markdown notes and the
// workspace's corpus documents (selector.ts), and adds what
// the protocol alone doesn't give VS Code: a status bar item fed by the
// server's `dossier/status` notification, "Dossier: Find Term",
// "Dossier: Restart Server", and the command of the server's "N mentions"
// code lenses. Everything that can be decided without VS Code
// lives in settings.ts, selector.ts, status.ts and terms.ts, which have unit tests.

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vscode from "vscode";
import {
  type Executable,
  LanguageClient,
  type LanguageClientOptions,
  State,
  type WorkspaceSymbol,
  WorkspaceSymbolRequest,
  WorkspaceSymbolResolveRequest,
} from "vscode-languageclient/node";

import { documentGlobs, documentSelector, isNote } from "./selector";
import { SERVER_ARGS, parseSettings, resolveServerPath, serverEnvironment } from "./settings";
import { STATUS_NOTIFICATION, clientStateView, parseStatus, statusView, type StatusView } from "./status";
import { type TermEntry, referencesTarget, termEntries } from "./terms";

/** The client id: VS Code reads `dossier.trace.server` because of it. */
const CLIENT_ID = "dossier";
const CLIENT_NAME = "Dossier";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let statusItem: vscode.StatusBarItem;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  statusItem = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
  statusItem.name = CLIENT_NAME;
  statusItem.command = "dossier.showOutput";
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand("dossier.restartServer", restartServer),
    vscode.commands.registerCommand("dossier.findTerm", findTerm),
    vscode.commands.registerCommand("dossier.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("dossier.showReferences", showReferences),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The trace level is read by the client itself; anything about the
      // server process needs a new process.
      if (event.affectsConfiguration("dossier.server")) {
        void restartServer();
      }
    }),
    // The document selector names the workspace folders: a new folder needs a new client.
    vscode.workspace.onDidChangeWorkspaceFolders(() => void restartServer()),
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}

/** The code lens's command: VS Code's references view for the term at the lens. */
async function showReferences(...args: unknown[]): Promise<void> {
  const target = referencesTarget(args);
  if (!target) {
    output.appendLine(`dossier.showReferences: unexpected arguments ${JSON.stringify(args)}`);
    return;
  }
  const position = new vscode.Position(target.line, target.character);
  await vscode.commands.executeCommand("editor.action.findReferences", vscode.Uri.parse(target.uri), position);
}

function showStatus(view: StatusView): void {
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.show();
}

/** Whether `file` is a file this process may execute. */
function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    // Windows has no execute bit; the extension (.exe) decides there.
    if (process.platform !== "win32") {
      fs.accessSync(file, fs.constants.X_OK);
    }
    return true;
  } catch {
    return false;
  }
}

async function startServer(): Promise<void> {
  const configuration = vscode.workspace.getConfiguration("dossier");
  const settings = parseSettings({
    path: configuration.get("server.path"),
    extraEnv: configuration.get("server.extraEnv"),
    trace: configuration.get("trace.server"),
  });
  for (const warning of settings.warnings) {
    output.appendLine(`[settings] ${warning}`);
    void vscode.window.showWarningMessage(`Dossier: ${warning}`);
  }

  const workspaceFolders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
  const resolved = resolveServerPath(settings.path, {
    home: os.homedir(),
    workspaceFolders,
    env: process.env,
    platform: process.platform,
    isExecutable,
  });
  if (!resolved.ok) {
    output.appendLine(`[server] ${resolved.error}`);
    showStatus(clientStateView("stopped"));
    const openSettings = "Open Settings";
    void vscode.window.showErrorMessage(`Dossier: ${resolved.error}`, openSettings).then((choice) => {
      if (choice === openSettings) {
        void vscode.commands.executeCommand("workbench.action.openSettings", "dossier.server.path");
      }
    });
    return;
  }
  output.appendLine(`[server] starting ${resolved.command} ${SERVER_ARGS.join(" ")} (found by ${resolved.how})`);

  const executable: Executable = {
    command: resolved.command,
    // No `transport` field: with one, vscode-languageclient appends its own
    // `--stdio` to the arguments. Without it the client speaks over the
    // child's stdio all the same, and starts exactly `dossier lsp`.
    args: [...SERVER_ARGS],
    options: { env: serverEnvironment(process.env, settings.extraEnv), cwd: workspaceFolders[0] },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(workspaceFolders.map((folder) => ({ path: folder, globs: folderDocumentGlobs(folder) }))),
    outputChannel: output,
    traceOutputChannel: output,
    // Corpus documents are read, never written: in them the client offers
    // what reads (hover, definition, references, highlights, lenses), and
    // nothing that would edit the document (completion, rename, code actions).
    middleware: {
      provideCompletionItem: (document, position, context, token, next) =>
        isNote(document.languageId) ? next(document, position, context, token) : undefined,
      prepareRename: (document, position, token, next) =>
        isNote(document.languageId) ? next(document, position, token) : undefined,
      provideRenameEdits: (document, position, newName, token, next) =>
        isNote(document.languageId) ? next(document, position, newName, token) : undefined,
      provideCodeActions: (document, range, context, token, next) =>
        isNote(document.languageId) ? next(document, range, context, token) : undefined,
    },
  };
  const newClient = new LanguageClient(CLIENT_ID, CLIENT_NAME, { run: executable, debug: executable }, clientOptions);
  newClient.onDidChangeState((event) => {
    if (event.newState === State.Starting) {
      showStatus(clientStateView("starting"));
    } else if (event.newState === State.Running) {
      showStatus(clientStateView("running"));
    } else {
      showStatus(clientStateView("stopped"));
    }
  });
  newClient.onNotification(STATUS_NOTIFICATION, (params: unknown) => {
    const status = parseStatus(params);
    if (status) {
      showStatus(statusView(status));
    } else {
      output.appendLine(`[status] ignored malformed ${STATUS_NOTIFICATION}: ${JSON.stringify(params)}`);
    }
  });
  client = newClient;
  try {
    await newClient.start();
  } catch (error) {
    showStatus(clientStateView("stopped"));
    void vscode.window.showErrorMessage(`Dossier: the language server did not start: ${String(error)}`);
  }
}

/** The document globs of a workspace folder, from its `dossier.toml` when it has one. */
function folderDocumentGlobs(folder: string): string[] {
  const configPath = path.join(folder, "dossier.toml");
  let text: string | undefined;
  try {
    text = fs.readFileSync(configPath, "utf8");
  } catch {
    text = undefined;
  }
  const result = documentGlobs(text, configPath);
  if (result.warning) {
    output.appendLine(`[settings] ${result.warning}`);
  }
  return result.globs;
}

async function stopServer(): Promise<void> {
  const oldClient = client;
  client = undefined;
  if (oldClient) {
    try {
      await oldClient.dispose();
    } catch (error) {
      output.appendLine(`[server] stopping failed: ${String(error)}`);
    }
  }
}

async function restartServer(): Promise<void> {
  await stopServer();
  await startServer();
}

interface TermPick extends vscode.QuickPickItem {
  entry: TermEntry;
}

async function findTerm(): Promise<void> {
  const running = client;
  if (!running || !running.isRunning()) {
    void vscode.window.showWarningMessage("Dossier: the language server is not running");
    return;
  }
  const response = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: "Dossier: listing terms" },
    () => running.sendRequest(WorkspaceSymbolRequest.type, { query: "" }),
  );
  const entries = termEntries(response, (uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri)));
  if (entries.length === 0) {
    void vscode.window.showInformationMessage("Dossier: no terms yet (is the workspace still being ingested?)");
    return;
  }
  const picked = await vscode.window.showQuickPick<TermPick>(
    entries.map((entry) => ({ label: entry.label, description: entry.description, detail: entry.detail, entry })),
    { placeHolder: "Find a term by any of its names", matchOnDescription: true, matchOnDetail: true },
  );
  if (!picked) {
    return;
  }

  // A WorkspaceSymbol may come without a range, to be resolved on demand.
  let range = picked.entry.range;
  if (!range && running.initializeResult?.capabilities.workspaceSymbolProvider) {
    const provider = running.initializeResult.capabilities.workspaceSymbolProvider;
    if (typeof provider === "object" && provider.resolveProvider) {
      const resolved = await running.sendRequest(WorkspaceSymbolResolveRequest.type, picked.entry.symbol as WorkspaceSymbol);
      range = "range" in resolved.location ? resolved.location.range : undefined;
    }
  }
  const document = await vscode.workspace.openTextDocument(running.protocol2CodeConverter.asUri(picked.entry.uri));
  await vscode.window.showTextDocument(document, {
    selection: range ? running.protocol2CodeConverter.asRange(range) : undefined,
    preview: true,
  });
}
