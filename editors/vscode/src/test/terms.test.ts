// Unit tests of the "Find Term" entries, under plain Node: `npm test`.

import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { referencesTarget, symbolKindName, termEntries } from "../terms";

const range = (line: number, start: number, end: number) => ({
  start: { line, character: start },
  end: { line, character: end },
});
const relative = (uri: string) => uri.replace("file:///work/", "");

describe("termEntries", () => {
  it("sorts terms by name, case-insensitively, and says where they are", () => {
    const entries = termEntries(
      [
        { name: "taobao", kind: 5, location: { uri: "file:///work/seeds/b.txt", range: range(3, 0, 6) } },
        { name: "Wu Yongming", kind: 13, containerName: "吴泳铭", location: { uri: "file:///work/seeds/a.txt", range: range(0, 4, 15) } },
        { name: "Alibaba", kind: 5, location: { uri: "file:///work/seeds/a.txt", range: range(9, 0, 7) } },
        { name: "张勇", kind: 13, location: { uri: "file:///work/notes/z.md", range: range(1, 2, 4) } },
      ],
      relative,
    );
    assert.deepEqual(
      entries.map(({ label, description, detail }) => [label, description, detail]),
      [
        ["Alibaba", "Class", "seeds/a.txt:10"],
        ["taobao", "Class", "seeds/b.txt:4"],
        ["Wu Yongming", "Variable · 吴泳铭", "seeds/a.txt:1"],
        ["张勇", "Variable", "notes/z.md:2"],
      ],
    );
    assert.deepEqual(entries[2].range, range(0, 4, 15));
  });

  it("keeps WorkspaceSymbols that have a URI only, without a range", () => {
    const [entry] = termEntries([{ name: "淘宝", kind: 5, location: { uri: "file:///work/seeds/c.txt" } }], relative);
    assert.equal(entry.detail, "seeds/c.txt");
    assert.equal(entry.range, undefined);
  });

  it("gives nothing for a null response", () => {
    assert.deepEqual(termEntries(null, relative), []);
  });
});

describe("symbolKindName", () => {
  it("names LSP symbol kinds and falls back for unknown ones", () => {
    assert.equal(symbolKindName(1), "File");
    assert.equal(symbolKindName(26), "TypeParameter");
    assert.equal(symbolKindName(0), "Symbol");
    assert.equal(symbolKindName(99), "Symbol");
  });
});

describe("referencesTarget", () => {
  it("reads the code lens's note and position", () => {
    assert.deepEqual(referencesTarget(["file:///work/notes/taobao.md", { line: 5, character: 2 }]), {
      uri: "file:///work/notes/taobao.md",
      line: 5,
      character: 2,
    });
  });

  it("refuses arguments of another shape", () => {
    assert.equal(referencesTarget([]), undefined);
    assert.equal(referencesTarget([42, { line: 1, character: 1 }]), undefined);
    assert.equal(referencesTarget(["file:///a.md", null]), undefined);
    assert.equal(referencesTarget(["file:///a.md", { line: -1, character: 0 }]), undefined);
    assert.equal(referencesTarget(["file:///a.md", { line: 1.5, character: 0 }]), undefined);
  });
});
