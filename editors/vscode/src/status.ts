// What the status bar item says, from the server's `dossier/status`
// notification. Pure, so that it is tested without VS Code.
//
// The server also reports ingestion as standard `$/progress` (WorkDone, titled
// "Dossier: ingesting"); vscode-languageclient shows those itself, in the
// status bar (`ProgressLocation.Window`). This item is the persistent one: the
// counts, and whether the server is ready.

/** The notification's method name. */
export const STATUS_NOTIFICATION = "dossier/status";

/** `dossier/status` params, checked. */
export interface DossierStatus {
  documents: number;
  notes: number;
  terms: number;
  state: "ingesting" | "ready";
}

/** Checks `dossier/status` params; undefined if they aren't a status at all. */
export function parseStatus(params: unknown): DossierStatus | undefined {
  if (typeof params !== "object" || params === null) {
    return undefined;
  }
  const record = params as Record<string, unknown>;
  const count = (value: unknown): number =>
    typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : 0;
  if (record.state !== "ingesting" && record.state !== "ready") {
    return undefined;
  }
  return {
    documents: count(record.documents),
    notes: count(record.notes),
    terms: count(record.terms),
    state: record.state,
  };
}

/** "1 document", "2 documents". */
function plural(count: number, noun: string): string {
  return `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}

/** The status bar item's text and tooltip. */
export interface StatusView {
  text: string;
  tooltip: string;
}

/** The status bar view of a server status. `$(…)` are VS Code codicons. */
export function statusView(status: DossierStatus): StatusView {
  const counts = `${plural(status.documents, "document")}, ${plural(status.notes, "note")}, ${plural(status.terms, "term")}`;
  if (status.state === "ingesting") {
    return {
      text: `$(sync~spin) Dossier: ingesting ${plural(status.documents, "document")}`,
      tooltip: `Dossier is ingesting the workspace: ${counts} so far`,
    };
  }
  return {
    text: `$(book) Dossier: ${plural(status.terms, "term")}`,
    tooltip: `Dossier is ready: ${counts}. Click for the server output.`,
  };
}

/** The view while no status has arrived yet, or the server is down. */
export function clientStateView(state: "starting" | "running" | "stopped"): StatusView {
  switch (state) {
    case "starting":
      return { text: "$(sync~spin) Dossier: starting", tooltip: "The Dossier language server is starting" };
    case "running":
      return { text: "$(book) Dossier", tooltip: "The Dossier language server is running. Click for its output." };
    case "stopped":
      return {
        text: "$(error) Dossier: stopped",
        tooltip: "The Dossier language server is not running. Click for its output; run \"Dossier: Restart Server\" to start it.",
      };
  }
}
