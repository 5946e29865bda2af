// Which documents the language client hands to the server: every Markdown
// note, and the corpus documents of the open workspace folders. Pure (no
// `vscode` import), so that the unit tests run under plain Node.
//
// Corpus documents are plain text, and VS Code has no language for "a
// document of this corpus": selecting `plaintext` would claim every text file
// the user opens anywhere. So documents are selected by path, one glob per
// workspace folder: the `documents` globs of the folder's `dossier.toml`
// when it has them, else the server's default, `**/*.txt`.

import { parse } from "smol-toml";

/** The server's default document globs (crates/dossier-workspace/src/config.rs). */
export const DEFAULT_DOCUMENT_GLOBS: readonly string[] = ["**/*.txt"];

/** The document globs of one workspace folder, and why the defaults were used instead. */
export interface DocumentGlobs {
  globs: string[];
  warning?: string;
}

/**
 * The `documents` globs of a `dossier.toml` (its text, or undefined when the
 * folder has none), relative to the folder. A file that cannot be read as
 * TOML gives the defaults and a warning; the server reports the same file
 * in its own words.
 */
export function documentGlobs(configText: string | undefined, configPath: string): DocumentGlobs {
  if (configText === undefined) {
    return { globs: [...DEFAULT_DOCUMENT_GLOBS] };
  }
  let config: Record<string, unknown>;
  try {
    config = parse(configText) as Record<string, unknown>;
  } catch (error) {
    return { globs: [...DEFAULT_DOCUMENT_GLOBS], warning: `${configPath}: ${String(error)}` };
  }
  const documents = config.documents;
  if (documents === undefined) {
    return { globs: [...DEFAULT_DOCUMENT_GLOBS] };
  }
  if (!Array.isArray(documents) || !documents.every((glob) => typeof glob === "string")) {
    return {
      globs: [...DEFAULT_DOCUMENT_GLOBS],
      warning: `${configPath}: "documents" must be a list of globs; using ${DEFAULT_DOCUMENT_GLOBS.join(", ")}`,
    };
  }
  return { globs: documents.map((glob) => glob.replace(/^\.?\//, "")) };
}

/** A document filter, in the shape both VS Code and vscode-languageclient take. */
export type DocumentFilter = { scheme: "file"; language: string } | { scheme: "file"; pattern: string };

/**
 * The client's document selector: Markdown anywhere on disk, and for each
 * workspace folder (its file system path) its document globs, made absolute.
 *
 * VS Code matches a string pattern against the document's file system path,
 * with `/` or `\` as separators; the folder's path is written with `/` so
 * that one pattern works everywhere.
 */
export function documentSelector(folders: readonly { path: string; globs: readonly string[] }[]): DocumentFilter[] {
  const selector: DocumentFilter[] = [{ scheme: "file", language: "markdown" }];
  for (const folder of folders) {
    const base = escapeGlob(folder.path.replace(/\\/g, "/").replace(/\/+$/, ""));
    for (const glob of folder.globs) {
      selector.push({ scheme: "file", pattern: `${base}/${glob}` });
    }
  }
  return selector;
}

/**
 * VS Code's globs have no escape character, but a bracket expression of one
 * character matches that character literally: `[[]`, `[{]`. A folder named
 * `notes [old]` must not become a character class. (`]` and `}` are literal
 * outside brackets and braces already.)
 */
export function escapeGlob(text: string): string {
  return text.replace(/[[{*?]/g, (character) => `[${character}]`);
}

/** Whether a document is a note (Markdown), where the features that write are offered. */
export function isNote(languageId: string): boolean {
  return languageId === "markdown";
}
