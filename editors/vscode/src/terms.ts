// "Dossier: Find Term": the server's workspace symbols (one per term) as quick
// pick entries. Pure, so that it is tested without VS Code; the types are
// imported for type checking only and vanish from the compiled output.

import type { Range, SymbolInformation, WorkspaceSymbol } from "vscode-languageclient";

/** One term to pick, and where choosing it goes. */
export interface TermEntry {
  /** The term's name. */
  label: string;
  /** Its kind and container (the server puts aliases or a category there). */
  description: string;
  /** Where it is: a workspace-relative path and line. */
  detail: string;
  /** The location's URI, as the server sent it. */
  uri: string;
  /** The location's range; absent when the server sent a WorkspaceSymbol with a URI only. */
  range?: Range;
  /** The symbol as received, for `workspaceSymbol/resolve`. */
  symbol: SymbolInformation | WorkspaceSymbol;
}

// LSP SymbolKind numbers, 1-based, as the specification lists them.
const SYMBOL_KIND_NAMES = [
  "File", "Module", "Namespace", "Package", "Class", "Method", "Property", "Field", "Constructor", "Enum",
  "Interface", "Function", "Variable", "Constant", "String", "Number", "Boolean", "Array", "Object", "Key",
  "Null", "EnumMember", "Struct", "Event", "Operator", "TypeParameter",
];

/** The specification's name of a SymbolKind number, or "Symbol". */
export function symbolKindName(kind: number): string {
  return SYMBOL_KIND_NAMES[kind - 1] ?? "Symbol";
}

/**
 * Quick pick entries from a `workspace/symbol` response, sorted by name
 * (Unicode code point order after a case-insensitive comparison, so that the
 * order doesn't depend on the user's locale). `relativePath` turns a URI into
 * what the user should read, e.g. a workspace-relative path.
 */
export function termEntries(
  response: readonly (SymbolInformation | WorkspaceSymbol)[] | null | undefined,
  relativePath: (uri: string) => string,
): TermEntry[] {
  if (!Array.isArray(response)) {
    return [];
  }
  const entries: TermEntry[] = [];
  for (const symbol of response) {
    if (typeof symbol?.name !== "string" || typeof symbol.location?.uri !== "string") {
      continue;
    }
    const range = "range" in symbol.location ? symbol.location.range : undefined;
    const where = relativePath(symbol.location.uri) + (range ? `:${range.start.line + 1}` : "");
    const description = [symbolKindName(symbol.kind), symbol.containerName].filter((part) => part).join(" · ");
    entries.push({ label: symbol.name, description, detail: where, uri: symbol.location.uri, range, symbol });
  }
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  return entries.sort(
    (a, b) => compare(a.label.toLowerCase(), b.label.toLowerCase()) || compare(a.label, b.label) || compare(a.detail, b.detail),
  );
}

/** Where the server's "N mentions" code lens points: a note and the position of its term. */
export interface ReferencesTarget {
  uri: string;
  line: number;
  character: number;
}

/**
 * The arguments of the `dossier.showReferences` command the server puts in
 * its code lenses, `[uri, { line, character }]`, or undefined when they are
 * not that shape (a newer or older server).
 */
export function referencesTarget(args: unknown[]): ReferencesTarget | undefined {
  const [uri, position] = args;
  if (typeof uri !== "string" || typeof position !== "object" || position === null) {
    return undefined;
  }
  const { line, character } = position as { line?: unknown; character?: unknown };
  const isIndex = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  return isIndex(line) && isIndex(character) ? { uri, line, character } : undefined;
}
