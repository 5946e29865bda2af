// Unit tests of the settings module, under plain Node: `npm test`.

import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { type ResolveContext, parseSettings, resolveServerPath, serverEnvironment } from "../settings";

/** A POSIX machine whose executables are exactly `files`. */
function posix(files: string[], overrides: Partial<ResolveContext> = {}): ResolveContext {
  return {
    home: "/home/ada",
    workspaceFolders: ["/work/notes"],
    env: { PATH: "/usr/local/bin:/usr/bin" },
    platform: "linux",
    isExecutable: (file) => files.includes(file),
    ...overrides,
  };
}

describe("parseSettings", () => {
  it("gives the defaults when nothing is set", () => {
    assert.deepEqual(parseSettings({}), { path: "dossier", extraEnv: {}, trace: "off", warnings: [] });
  });

  it("trims the path and treats an empty one as unset", () => {
    assert.equal(parseSettings({ path: "  ~/bin/dossier " }).path, "~/bin/dossier");
    assert.equal(parseSettings({ path: "   " }).path, "dossier");
  });

  it("warns about a path that is not a string", () => {
    const settings = parseSettings({ path: 42 });
    assert.equal(settings.path, "dossier");
    assert.deepEqual(settings.warnings, ['dossier.server.path must be a string; using "dossier"']);
  });

  it("turns numbers and booleans in extraEnv into strings and drops the rest", () => {
    const settings = parseSettings({ extraEnv: { RUST_LOG: "debug", THREADS: 2, COLOR: false, BAD: { nested: 1 } } });
    assert.deepEqual(settings.extraEnv, { RUST_LOG: "debug", THREADS: "2", COLOR: "false" });
    assert.deepEqual(settings.warnings, ["dossier.server.extraEnv.BAD must be a string, number or boolean; ignored"]);
  });

  it("ignores an extraEnv that is not an object", () => {
    for (const extraEnv of [["A=1"], "A=1"]) {
      const settings = parseSettings({ extraEnv });
      assert.deepEqual(settings.extraEnv, {});
      assert.equal(settings.warnings.length, 1);
    }
  });

  it("accepts the three trace levels only", () => {
    assert.equal(parseSettings({ trace: "verbose" }).trace, "verbose");
    assert.equal(parseSettings({ trace: "messages" }).trace, "messages");
    const settings = parseSettings({ trace: "loud" });
    assert.equal(settings.trace, "off");
    assert.equal(settings.warnings.length, 1);
  });
});

describe("resolveServerPath", () => {
  it("looks a bare name up on PATH, first directory first", () => {
    const context = posix(["/usr/bin/dossier", "/usr/local/bin/dossier"]);
    assert.deepEqual(resolveServerPath("dossier", context), { ok: true, command: "/usr/local/bin/dossier", how: "path" });
  });

  it("skips empty PATH entries and directories without the binary", () => {
    const context = posix(["/opt/dossier/bin/dossier"], { env: { PATH: "::/usr/bin::/opt/dossier/bin:" } });
    assert.deepEqual(resolveServerPath("dossier", context), { ok: true, command: "/opt/dossier/bin/dossier", how: "path" });
  });

  it("says so when the name is not on PATH", () => {
    const result = resolveServerPath("dossier", posix([]));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : "", /cannot find the dossier server "dossier" on PATH/);
  });

  it("treats an empty setting as the default name", () => {
    assert.deepEqual(resolveServerPath(" ", posix(["/usr/bin/dossier"])), { ok: true, command: "/usr/bin/dossier", how: "path" });
  });

  it("expands ~ to the home directory", () => {
    const context = posix(["/home/ada/.cargo/bin/dossier"]);
    assert.deepEqual(resolveServerPath("~/.cargo/bin/dossier", context), {
      ok: true,
      command: "/home/ada/.cargo/bin/dossier",
      how: "home",
    });
  });

  it("does not expand ~user, which is a relative path", () => {
    const context = posix(["/work/notes/~bob/dossier"]);
    assert.deepEqual(resolveServerPath("~bob/dossier", context), { ok: true, command: "/work/notes/~bob/dossier", how: "workspace" });
  });

  it("fails on ~ without a home directory", () => {
    assert.equal(resolveServerPath("~/dossier", posix([], { home: "" })).ok, false);
  });

  it("takes an absolute path as it is, normalized", () => {
    const context = posix(["/opt/dossier/dossier"]);
    assert.deepEqual(resolveServerPath("/opt/dossier/./bin/../dossier", context), {
      ok: true,
      command: "/opt/dossier/dossier",
      how: "absolute",
    });
    assert.equal(resolveServerPath("/opt/missing/dossier", context).ok, false);
  });

  it("resolves a relative path against the first workspace folder that has it", () => {
    const context = posix(["/work/code/target/debug/dossier"], { workspaceFolders: ["/work/notes", "/work/code"] });
    assert.deepEqual(resolveServerPath("./target/debug/dossier", context), {
      ok: true,
      command: "/work/code/target/debug/dossier",
      how: "workspace",
    });
    assert.deepEqual(resolveServerPath("target/debug/dossier", context), {
      ok: true,
      command: "/work/code/target/debug/dossier",
      how: "workspace",
    });
  });

  it("names the first folder's candidate when a relative path is nowhere", () => {
    const result = resolveServerPath("../bin/dossier", posix([]));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : "", /looked for \/work\/bin\/dossier/);
  });

  it("needs a workspace folder for a relative path", () => {
    const result = resolveServerPath("bin/dossier", posix(["/bin/dossier"], { workspaceFolders: [] }));
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.error : "", /no workspace folder is open/);
  });

  it("finds dossier.exe through PATHEXT on Windows", () => {
    const context: ResolveContext = {
      home: "C:\\Users\\ada",
      workspaceFolders: ["C:\\notes"],
      env: { Path: "C:\\Windows;C:\\Users\\ada\\.cargo\\bin", PATHEXT: ".COM;.EXE" },
      platform: "win32",
      isExecutable: (file) => file === "C:\\Users\\ada\\.cargo\\bin\\dossier.exe",
    };
    assert.deepEqual(resolveServerPath("dossier", context), {
      ok: true,
      command: "C:\\Users\\ada\\.cargo\\bin\\dossier.exe",
      how: "path",
    });
    assert.deepEqual(resolveServerPath("~\\.cargo\\bin\\dossier", context), {
      ok: true,
      command: "C:\\Users\\ada\\.cargo\\bin\\dossier.exe",
      how: "home",
    });
  });
});

describe("serverEnvironment", () => {
  it("puts extraEnv over the inherited environment and drops unset variables", () => {
    assert.deepEqual(serverEnvironment({ PATH: "/usr/bin", RUST_LOG: "info", GONE: undefined }, { RUST_LOG: "debug" }), {
      PATH: "/usr/bin",
      RUST_LOG: "debug",
    });
  });
});
