// Unit tests of the document selector, under plain Node: `npm test`.

import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { DEFAULT_DOCUMENT_GLOBS, documentGlobs, documentSelector, escapeGlob, isNote } from "../selector";

describe("documentGlobs", () => {
  it("uses the server's default without a dossier.toml", () => {
    assert.deepEqual(documentGlobs(undefined, "/w/dossier.toml"), { globs: [...DEFAULT_DOCUMENT_GLOBS] });
  });

  it("uses the default when dossier.toml says nothing of documents", () => {
    assert.deepEqual(documentGlobs('notes = ["notes/**/*.md"]\n', "/w/dossier.toml"), { globs: ["**/*.txt"] });
  });

  it("reads the documents globs, relative to the folder", () => {
    const text = 'documents = [\n  "corpus/**/*.txt",\n  "./scans/*.text",\n]\nmax-file-size = 1000\n';
    assert.deepEqual(documentGlobs(text, "/w/dossier.toml"), { globs: ["corpus/**/*.txt", "scans/*.text"] });
  });

  it("falls back to the default, with a warning naming the file, on bad TOML", () => {
    const result = documentGlobs("documents = [", "/w/dossier.toml");
    assert.deepEqual(result.globs, ["**/*.txt"]);
    assert.match(result.warning ?? "", /^\/w\/dossier\.toml: /);
  });

  it("falls back to the default when documents is not a list of strings", () => {
    const result = documentGlobs("documents = 3\n", "/w/dossier.toml");
    assert.deepEqual(result.globs, ["**/*.txt"]);
    assert.match(result.warning ?? "", /"documents" must be a list of globs/);
  });
});

describe("documentSelector", () => {
  it("selects Markdown anywhere and documents only inside the workspace folders", () => {
    assert.deepEqual(
      documentSelector([
        { path: "/home/me/corpus", globs: ["**/*.txt"] },
        { path: "/home/me/other/", globs: ["a/*.txt", "b/*.txt"] },
      ]),
      [
        { scheme: "file", language: "markdown" },
        { scheme: "file", pattern: "/home/me/corpus/**/*.txt" },
        { scheme: "file", pattern: "/home/me/other/a/*.txt" },
        { scheme: "file", pattern: "/home/me/other/b/*.txt" },
      ],
    );
  });

  it("never selects plain text without a workspace folder", () => {
    assert.deepEqual(documentSelector([]), [{ scheme: "file", language: "markdown" }]);
  });

  it("writes Windows folders with forward slashes", () => {
    assert.deepEqual(documentSelector([{ path: "C:\\Users\\me\\corpus", globs: ["**/*.txt"] }])[1], {
      scheme: "file",
      pattern: "C:/Users/me/corpus/**/*.txt",
    });
  });
});

describe("escapeGlob", () => {
  it("makes glob characters of a folder name literal", () => {
    assert.equal(escapeGlob("/notes [old]/{a}*?"), "/notes [[]old]/[{]a}[*][?]");
  });
});

describe("isNote", () => {
  it("is true for Markdown only", () => {
    assert.equal(isNote("markdown"), true);
    assert.equal(isNote("plaintext"), false);
  });
});
