// Settings → the server command and its initialization options.
// Pure: no `vscode` import, so it is unit-tested under plain Node.

import * as path from 'node:path';

/** The rule severities `newsmark.toml` accepts (see docs/format.md). */
export const SEVERITIES = ['off', 'hint', 'info', 'warning', 'error'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Settings whose change needs a new server process (read at start-up only). */
export const RESTART_SETTINGS = [
  'newsmark.server.path',
  'newsmark.server.extraArgs',
  'newsmark.debounceMs',
  'newsmark.rules',
] as const;

export const DEFAULT_DEBOUNCE_MS = 200;

/** The `newsmark.*` settings, as read from the editor (values unchecked). */
export interface Settings {
  serverPath?: unknown;
  extraArgs?: unknown;
  debounceMs?: unknown;
  rules?: unknown;
}

/** What the resolver may know about the machine; injected for tests. */
export interface Environment {
  platform: NodeJS.Platform;
  /** Folder the extension is installed in (holds `server/` when packaged). */
  extensionPath: string;
  /** First workspace folder, for relative `newsmark.server.path` values. */
  workspaceFolder?: string;
  homeDir: string;
  /** `PATH` (and `PATHEXT` on Windows) of the editor's process. */
  env: Record<string, string | undefined>;
  /** Whether a file exists and can be run. */
  isExecutable(file: string): boolean;
}

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface ServerCommand {
  /** The program to run: an absolute path, or a bare name found on PATH. */
  command: string;
  /** Arguments for the language server: `lsp` and the extra arguments. */
  args: string[];
  source: ServerSource;
}

export type Resolution =
  | ({ ok: true } & ServerCommand)
  | { ok: false; message: string; source: ServerSource };

export function executableName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'newsmark.exe' : 'newsmark';
}

/** Where `npm run package` puts the server binary inside the extension. */
export function bundledServerPath(extensionPath: string, platform: NodeJS.Platform): string {
  return pathFor(platform).join(extensionPath, 'server', executableName(platform));
}

function pathFor(platform: NodeJS.Platform): path.PlatformPath {
  return platform === 'win32' ? path.win32 : path.posix;
}

/** `newsmark.server.extraArgs`, keeping only strings. */
export function extraArgs(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * The server to start:
 * 1. `newsmark.server.path` when set (`~` and `${workspaceFolder}` expanded,
 *    a relative path with a separator taken from the workspace folder, a bare
 *    name looked up on PATH);
 * 2. else the binary packaged in the extension (`server/newsmark`);
 * 3. else `newsmark` on PATH.
 */
export function resolveServerCommand(settings: Settings, env: Environment): Resolution {
  const args = ['lsp', ...extraArgs(settings.extraArgs)];
  const p = pathFor(env.platform);
  const configured = typeof settings.serverPath === 'string' ? settings.serverPath.trim() : '';
  if (configured !== '') {
    const expanded = expandPath(configured, env);
    if (!hasSeparator(expanded, env.platform)) {
      const found = findOnPath(expanded, env);
      if (found === undefined) {
        return {
          ok: false,
          source: 'setting',
          message: `\`${expanded}\` (newsmark.server.path) was not found on PATH.`,
        };
      }
      return { ok: true, command: found, args, source: 'setting' };
    }
    const absolute = p.isAbsolute(expanded)
      ? expanded
      : env.workspaceFolder !== undefined
        ? p.resolve(env.workspaceFolder, expanded)
        : expanded;
    if (!env.isExecutable(absolute)) {
      return {
        ok: false,
        source: 'setting',
        message: `${absolute} (newsmark.server.path) does not exist or is not executable.`,
      };
    }
    return { ok: true, command: absolute, args, source: 'setting' };
  }
  const bundled = bundledServerPath(env.extensionPath, env.platform);
  if (env.isExecutable(bundled)) {
    return { ok: true, command: bundled, args, source: 'bundled' };
  }
  const found = findOnPath('newsmark', env);
  if (found === undefined) {
    return {
      ok: false,
      source: 'path',
      message:
        '`newsmark` was not found on PATH and this extension has no packaged server. ' +
        'Install it (`cargo install --path server`) or set newsmark.server.path.',
    };
  }
  return { ok: true, command: found, args, source: 'path' };
}

function hasSeparator(value: string, platform: NodeJS.Platform): boolean {
  return value.includes('/') || (platform === 'win32' && value.includes('\\'));
}

/** Expands a leading `~` and `${workspaceFolder}` / `${userHome}`. */
export function expandPath(value: string, env: Pick<Environment, 'homeDir' | 'workspaceFolder'>): string {
  let out = value.replace(/\$\{userHome\}/g, env.homeDir);
  if (env.workspaceFolder !== undefined) {
    out = out.replace(/\$\{workspaceFolder\}/g, env.workspaceFolder);
  }
  if (out === '~') {
    return env.homeDir;
  }
  if (out.startsWith('~/') || out.startsWith('~\\')) {
    return env.homeDir + out.slice(1);
  }
  return out;
}

/** The full path of `name` on PATH (with PATHEXT on Windows), if any. */
export function findOnPath(name: string, env: Environment): string | undefined {
  const p = pathFor(env.platform);
  const win = env.platform === 'win32';
  const pathVar = win ? (env.env.PATH ?? env.env.Path ?? '') : (env.env.PATH ?? '');
  const dirs = pathVar.split(win ? ';' : ':').filter((d) => d !== '');
  const exts = win
    ? ['', ...(env.env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '')]
    : [''];
  const hasExt = win && /\.[A-Za-z0-9]+$/.test(name);
  for (const dir of dirs) {
    for (const ext of hasExt ? [''] : exts) {
      const candidate = p.join(dir, name + ext.toLowerCase());
      if (env.isExecutable(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

export interface InitializationOptions {
  debounceMs: number;
  rules: Record<string, Severity>;
}

/**
 * `initializationOptions` for the server, and a message for each setting
 * value that was left out because it is not valid.
 */
export function initializationOptions(settings: Settings): {
  options: InitializationOptions;
  problems: string[];
} {
  const problems: string[] = [];
  let debounceMs = DEFAULT_DEBOUNCE_MS;
  const d = settings.debounceMs;
  if (typeof d === 'number' && Number.isFinite(d) && d >= 0) {
    debounceMs = Math.round(d);
  } else if (d !== undefined && d !== null) {
    problems.push(
      `newsmark.debounceMs: ${JSON.stringify(d)} is not a number of milliseconds ≥ 0; using ${DEFAULT_DEBOUNCE_MS}.`,
    );
  }
  const rules: Record<string, Severity> = {};
  const r = settings.rules;
  if (r !== undefined && r !== null) {
    if (typeof r !== 'object' || Array.isArray(r)) {
      problems.push('newsmark.rules must be an object of rule code → severity; ignored.');
    } else {
      for (const [code, severity] of Object.entries(r as Record<string, unknown>)) {
        if (!/^[a-z][a-z0-9-]*$/.test(code)) {
          problems.push(`newsmark.rules: \`${code}\` is not a rule code; ignored.`);
        } else if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
          problems.push(
            `newsmark.rules: ${code} = ${JSON.stringify(severity)} is not one of ${SEVERITIES.join(', ')}; ignored.`,
          );
        } else {
          rules[code] = severity as Severity;
        }
      }
    }
  }
  return { options: { debounceMs, rules }, problems };
}

/** Whether a configuration change needs the server restarted. */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return RESTART_SETTINGS.some((s) => affects(s));
}

export interface ReportInvocation {
  command: string;
  args: string[];
  output: string;
}

/** `newsmark report <folder> -o <tmp>/newsmark-report.html` with the configured binary. */
export function reportInvocation(
  server: Pick<ServerCommand, 'command'>,
  folder: string,
  tmpDir: string,
  platform: NodeJS.Platform,
): ReportInvocation {
  const output = pathFor(platform).join(tmpDir, 'newsmark-report.html');
  return { command: server.command, args: ['report', folder, '-o', output], output };
}
