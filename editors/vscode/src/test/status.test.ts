// Unit tests of the status bar texts, under plain Node: `npm test`.

import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { clientStateView, parseStatus, statusView } from "../status";

describe("parseStatus", () => {
  it("reads the documented params", () => {
    assert.deepEqual(parseStatus({ documents: 5, notes: 1, terms: 1234, state: "ready" }), {
      documents: 5,
      notes: 1,
      terms: 1234,
      state: "ready",
    });
  });

  it("counts missing or nonsensical numbers as zero", () => {
    assert.deepEqual(parseStatus({ documents: -3, terms: "many", state: "ingesting" }), {
      documents: 0,
      notes: 0,
      terms: 0,
      state: "ingesting",
    });
  });

  it("rejects anything without a known state", () => {
    assert.equal(parseStatus(null), undefined);
    assert.equal(parseStatus("ready"), undefined);
    assert.equal(parseStatus({ documents: 1, state: "done" }), undefined);
  });
});

describe("statusView", () => {
  it("spins while ingesting", () => {
    const view = statusView({ documents: 1, notes: 0, terms: 10, state: "ingesting" });
    assert.equal(view.text, "$(sync~spin) Dossier: ingesting 1 document");
    assert.equal(view.tooltip, "Dossier is ingesting the workspace: 1 document, 0 notes, 10 terms so far");
  });

  it("shows the number of terms when ready", () => {
    const view = statusView({ documents: 5, notes: 2, terms: 1234, state: "ready" });
    assert.equal(view.text, "$(book) Dossier: 1,234 terms");
    assert.match(view.tooltip, /^Dossier is ready: 5 documents, 2 notes, 1,234 terms\./);
  });

  it("says when the server is stopped", () => {
    assert.equal(clientStateView("stopped").text, "$(error) Dossier: stopped");
  });
});
