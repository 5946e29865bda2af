// The extension's pure logic: reading the `dossier.*` settings and finding the
// server executable. Nothing here imports `vscode`, so that the unit tests run
// under plain Node (`npm test`); the file system and the environment are passed
// in, so that tests don't depend on the machine they run on.

import * as path from "node:path";

/** The default `dossier.server.path`: the `dossier` binary on `PATH`. */
export const DEFAULT_SERVER_PATH = "dossier";

/** The arguments that start the language server. */
export const SERVER_ARGS: readonly string[] = ["lsp"];

/** How much of the protocol traffic the client logs (`dossier.trace.server`). */
export type TraceSetting = "off" | "messages" | "verbose";

/** The settings, checked, with what was wrong with them. */
export interface ServerSettings {
  /** `dossier.server.path`, trimmed; the default when unset or empty. */
  path: string;
  /** `dossier.server.extraEnv`, values turned into strings. */
  extraEnv: Record<string, string>;
  /** `dossier.trace.server`. */
  trace: TraceSetting;
  /** One sentence per setting that was ignored or partly ignored. */
  warnings: string[];
}

/**
 * Checks raw setting values (as `WorkspaceConfiguration.get` returns them, so
 * anything a user may have typed into settings.json) and falls back to the
 * defaults where they are unusable, explaining why in `warnings`.
 */
export function parseSettings(raw: { path?: unknown; extraEnv?: unknown; trace?: unknown }): ServerSettings {
  const warnings: string[] = [];

  let serverPath = DEFAULT_SERVER_PATH;
  if (typeof raw.path === "string") {
    if (raw.path.trim() !== "") {
      serverPath = raw.path.trim();
    }
  } else if (raw.path !== undefined && raw.path !== null) {
    warnings.push(`dossier.server.path must be a string; using "${DEFAULT_SERVER_PATH}"`);
  }

  const extraEnv: Record<string, string> = {};
  if (raw.extraEnv !== undefined && raw.extraEnv !== null) {
    if (typeof raw.extraEnv === "object" && !Array.isArray(raw.extraEnv)) {
      for (const [name, value] of Object.entries(raw.extraEnv as Record<string, unknown>)) {
        if (typeof value === "string") {
          extraEnv[name] = value;
        } else if (typeof value === "number" || typeof value === "boolean") {
          extraEnv[name] = String(value);
        } else {
          warnings.push(`dossier.server.extraEnv.${name} must be a string, number or boolean; ignored`);
        }
      }
    } else {
      warnings.push("dossier.server.extraEnv must be an object of variable names to values; ignored");
    }
  }

  let trace: TraceSetting = "off";
  if (raw.trace === "off" || raw.trace === "messages" || raw.trace === "verbose") {
    trace = raw.trace;
  } else if (raw.trace !== undefined && raw.trace !== null) {
    warnings.push(`dossier.trace.server must be "off", "messages" or "verbose"; using "off"`);
  }

  return { path: serverPath, extraEnv, trace, warnings };
}

/** What server path resolution may look at: the machine, passed in. */
export interface ResolveContext {
  /** The user's home directory, for `~`. */
  home: string;
  /** Workspace folders (file system paths), first one first, for relative paths. */
  workspaceFolders: readonly string[];
  /** The environment, for `PATH` (and `PATHEXT` on Windows). */
  env: Readonly<Record<string, string | undefined>>;
  /** `process.platform`: decides the path flavour and the `PATH` separator. */
  platform: NodeJS.Platform;
  /** Whether a file exists at this absolute path and may be executed. */
  isExecutable: (file: string) => boolean;
}

/** Where the server executable is, or why it could not be found. */
export type ResolvedServer =
  | { ok: true; command: string; how: "absolute" | "home" | "workspace" | "path" }
  | { ok: false; error: string };

/**
 * Turns `dossier.server.path` into an absolute path of an executable:
 * `~` and `~/…` are relative to the home directory; absolute paths are taken
 * as they are; other paths with a separator (`./target/debug/dossier`,
 * `bin/dossier`) are relative to the first workspace folder that has them;
 * a bare name (`dossier`) is looked up on `PATH`, as a shell would.
 *
 * Spawning would find a bare name on `PATH` too, but resolving it here lets the
 * extension say "not found on PATH" instead of a bare ENOENT.
 */
export function resolveServerPath(setting: string, context: ResolveContext): ResolvedServer {
  const paths = context.platform === "win32" ? path.win32 : path.posix;
  const trimmed = setting.trim() === "" ? DEFAULT_SERVER_PATH : setting.trim();
  const isWindows = context.platform === "win32";
  const hasSeparator = trimmed.includes("/") || (isWindows && trimmed.includes("\\"));

  const firstExecutable = (candidates: readonly string[]): string | undefined =>
    candidates.find((candidate) => context.isExecutable(candidate));
  // On Windows `dossier` is found as `dossier.exe`; elsewhere the name is exact.
  const withExtensions = (file: string): string[] => {
    if (!isWindows || paths.extname(file) !== "") {
      return [file];
    }
    const extensions = (context.env.PATHEXT ?? ".COM;.EXE;.BAT;.CMD").split(";").filter((ext) => ext !== "");
    return [file, ...extensions.map((ext) => file + ext.toLowerCase())];
  };
  const notFound = (where: string): ResolvedServer => ({
    ok: false,
    error: `cannot find the dossier server "${trimmed}" ${where}; set dossier.server.path to the dossier executable`,
  });

  if (trimmed === "~" || trimmed.startsWith("~/") || (isWindows && trimmed.startsWith("~\\"))) {
    if (context.home === "") {
      return { ok: false, error: `cannot expand "~" in "${trimmed}": the home directory is unknown` };
    }
    const file = paths.join(context.home, trimmed.slice(1));
    const found = firstExecutable(withExtensions(file));
    return found ? { ok: true, command: found, how: "home" } : notFound(`(looked for ${file})`);
  }

  if (paths.isAbsolute(trimmed)) {
    const file = paths.normalize(trimmed);
    const found = firstExecutable(withExtensions(file));
    return found ? { ok: true, command: found, how: "absolute" } : notFound("(no executable file there)");
  }

  if (hasSeparator) {
    if (context.workspaceFolders.length === 0) {
      return { ok: false, error: `"${trimmed}" is a relative path but no workspace folder is open` };
    }
    const candidates = context.workspaceFolders.flatMap((folder) => withExtensions(paths.resolve(folder, trimmed)));
    const found = firstExecutable(candidates);
    return found
      ? { ok: true, command: found, how: "workspace" }
      : notFound(`relative to the workspace folders (looked for ${paths.resolve(context.workspaceFolders[0], trimmed)})`);
  }

  // A bare name: the first match on PATH. Windows spells the variable `Path`.
  const pathVariable = context.env.PATH ?? context.env.Path ?? "";
  const directories = pathVariable.split(isWindows ? ";" : ":").filter((directory) => directory !== "");
  for (const directory of directories) {
    const found = firstExecutable(withExtensions(paths.join(directory, trimmed)));
    if (found) {
      return { ok: true, command: found, how: "path" };
    }
  }
  return notFound("on PATH");
}

/** The server's environment: the extension host's, with `extraEnv` on top. */
export function serverEnvironment(
  base: Readonly<Record<string, string | undefined>>,
  extraEnv: Readonly<Record<string, string>>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined) {
      env[name] = value;
    }
  }
  return { ...env, ...extraEnv };
}
