// The VS Code side: starts `newsmark lsp`, wires the status bar, commands and
// settings. The decisions live in config.ts, status.ts, crashes.ts and
// report.ts, which are unit-tested without VS Code.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  type CloseHandlerResult,
  ErrorAction,
  type ErrorHandlerResult,
  LanguageClient,
  type LanguageClientOptions,
  type MessageTransports,
  RevealOutputChannelOn,
  State,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageclient/node';

import {
  type Environment,
  type Resolution,
  type Settings,
  bundledServerPath,
  initializationOptions,
  needsRestart,
  reportInvocation,
  resolveServerCommand,
} from './config';
import { CrashPolicy, type Exit, Tail, describeExit, gaveUpMessage } from './crashes';
import { failureMessage } from './report';
import { StatusModel, type StatusView } from './status';

let controller: Controller | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  controller = new Controller(context);
  context.subscriptions.push(
    controller,
    vscode.commands.registerCommand('newsmark.restartServer', () => controller?.restart(true)),
    vscode.commands.registerCommand('newsmark.openReport', () => controller?.openReport()),
    vscode.commands.registerCommand('newsmark.showLog', () => controller?.output.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (needsRestart((s) => e.affectsConfiguration(s))) {
        controller?.output.appendLine('[newsmark] settings changed: restarting the server');
        void controller?.restart(false);
      }
    }),
  );
  await controller.start();
}

export async function deactivate(): Promise<void> {
  await controller?.stop();
  controller = undefined;
}

function readSettings(): Settings {
  const c = vscode.workspace.getConfiguration('newsmark');
  return {
    serverPath: c.get('server.path'),
    extraArgs: c.get('server.extraArgs'),
    debounceMs: c.get('debounceMs'),
    rules: c.get('rules'),
  };
}

function isExecutable(file: string): boolean {
  try {
    if (!fs.statSync(file).isFile()) {
      return false;
    }
    fs.accessSync(file, process.platform === 'win32' ? fs.constants.F_OK : fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

class Controller implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('Newsmark');
  private readonly item = vscode.window.createStatusBarItem('newsmark.status', vscode.StatusBarAlignment.Left, 0);
  private readonly status = new StatusModel((view) => this.render(view));
  private readonly crashes = new CrashPolicy();
  private client: LanguageClient | undefined;
  private process: ChildProcess | undefined;
  private exit: Exit | undefined;
  private exited: Promise<void> = Promise.resolve();
  private stderr = new Tail();
  /** The current server answered `initialize` (a crash before that is a failed start). */
  private running = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext) {
    this.item.name = 'Newsmark';
    this.item.command = 'newsmark.showLog';
    this.render({ text: 'Newsmark', tooltip: 'Newsmark', tone: 'normal' });
    this.item.show();
  }

  private render(view: StatusView): void {
    this.item.text = view.icon !== undefined ? `$(${view.icon}) ${view.text}` : view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.tone === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.tone === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
  }

  private environment(): Environment {
    return {
      platform: process.platform,
      extensionPath: this.context.extensionPath,
      workspaceFolder: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath,
      homeDir: os.homedir(),
      env: process.env,
      isExecutable,
    };
  }

  private resolve(): Resolution {
    // A .vsix extracted by a tool that drops the executable bit: restore it.
    const bundled = bundledServerPath(this.context.extensionPath, process.platform);
    if (process.platform !== 'win32' && fs.existsSync(bundled) && !isExecutable(bundled)) {
      try {
        fs.chmodSync(bundled, 0o755);
      } catch {
        // resolveServerCommand then falls back to PATH.
      }
    }
    return resolveServerCommand(readSettings(), this.environment());
  }

  /** Serializes start/stop so a burst of setting changes restarts once at a time. */
  private serial(f: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(f, f);
    return this.queue;
  }

  start(): Promise<void> {
    return this.serial(() => this.doStart());
  }

  stop(): Promise<void> {
    return this.serial(() => this.doStop());
  }

  restart(byUser: boolean): Promise<void> {
    if (byUser) {
      this.crashes.reset();
    }
    return this.serial(async () => {
      await this.doStop();
      await this.doStart();
    });
  }

  private async doStart(): Promise<void> {
    const server = this.resolve();
    if (!server.ok) {
      this.output.appendLine(`[newsmark] ${server.message}`);
      this.status.dispatch({ type: 'failed', message: server.message });
      void vscode.window
        .showErrorMessage(`Newsmark: ${server.message}`, 'Open Settings', 'Show Log')
        .then((choice) => {
          if (choice === 'Open Settings') {
            void vscode.commands.executeCommand('workbench.action.openSettings', 'newsmark.server');
          } else if (choice === 'Show Log') {
            this.output.show(true);
          }
        });
      return;
    }
    const { options, problems } = initializationOptions(readSettings());
    for (const p of problems) {
      this.output.appendLine(`[newsmark] ${p}`);
    }
    this.output.appendLine(`[newsmark] starting ${server.command} ${server.args.join(' ')} (${server.source})`);

    const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? os.homedir();
    // We start the process ourselves to know how it ended (exit status and
    // the last stderr line go to the status bar) and hand the client its pipes.
    const serverOptions = (): Promise<MessageTransports> =>
      new Promise((resolve, reject) => {
        this.exit = undefined;
        this.stderr = new Tail();
        const child = spawn(server.command, server.args, { cwd, env: process.env, stdio: 'pipe' });
        this.process = child;
        this.exited = new Promise((done) => {
          child.once('exit', (code, signal) => {
            this.exit = { code, signal };
            done();
          });
          child.once('error', () => done());
        });
        // Writing to a server that has died must not throw in the extension host.
        child.stdin.on('error', (err) => this.output.appendLine(`[newsmark] server stdin: ${err.message}`));
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (chunk: string) => {
          this.stderr.push(chunk);
          this.output.append(chunk);
        });
        child.once('error', (err) => reject(new Error(`could not start ${server.command}: ${err.message}`)));
        child.once('spawn', () => {
          const reader = new StreamMessageReader(child.stdout);
          // The "partial message" timer of vscode-jsonrpc re-arms itself
          // forever once a server dies in the middle of a message; it only
          // logs, so leave it off.
          reader.partialMessageTimeout = 0;
          resolve({ reader, writer: new StreamMessageWriter(child.stdin), detached: false });
        });
      });

    const clientOptions: LanguageClientOptions = {
      documentSelector: [
        { scheme: 'file', language: 'newsmark' },
        { scheme: 'untitled', language: 'newsmark' },
        // The registry and the configuration: hover, references, lenses and
        // diagnostics work there too.
        { scheme: 'file', pattern: '**/{entities,newsmark}.toml' },
      ],
      initializationOptions: options,
      outputChannel: this.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      // Do not retry; the catch around client.start() says why it failed.
      initializationFailedHandler: () => false,
      errorHandler: {
        // Errors are logged, not notified (`handled`). A write to a server
        // that has just died (EPIPE) must not shut the client down: the
        // closed pipe reaches closed() below, which restarts the server.
        // Other errors: give up after the third, like the default handler.
        error: (error, _message, count): ErrorHandlerResult => {
          const code = (error as NodeJS.ErrnoException).code;
          const pipe = code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
          return {
            action: pipe || (count !== undefined && count <= 3) ? ErrorAction.Continue : ErrorAction.Shutdown,
            handled: true,
          };
        },
        closed: async (): Promise<CloseHandlerResult> => {
          // Give the process a moment to report its exit status.
          await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
          const why = describeExit(this.exit, this.stderr.last());
          this.output.appendLine(`[newsmark] ${why}`);
          if (!this.running) {
            // It died before answering `initialize`: restarting would fail
            // the same way. client.start() rejects and the catch below says why.
            return { action: CloseAction.DoNotRestart, message: why, handled: true };
          }
          this.running = false;
          if (this.crashes.crashed()) {
            this.status.dispatch({ type: 'crashed', message: why });
            return { action: CloseAction.Restart, handled: true };
          }
          const message = gaveUpMessage(this.crashes, why);
          this.status.dispatch({ type: 'failed', message });
          void vscode.window.showErrorMessage(`Newsmark: ${message}`, 'Restart Server', 'Show Log').then((choice) => {
            if (choice === 'Restart Server') {
              void this.restart(true);
            } else if (choice === 'Show Log') {
              this.output.show(true);
            }
          });
          return { action: CloseAction.DoNotRestart, message, handled: true };
        },
      },
      middleware: {
        handleWorkDoneProgress: (token, params, next) => {
          this.status.dispatch({ type: 'progress', token, value: params });
          next(token, params);
        },
      },
    };

    const client = new LanguageClient('newsmark', 'Newsmark', serverOptions, clientOptions);
    this.client = client;
    client.onDidChangeState((e) => {
      if (this.client !== client) {
        return;
      }
      if (e.newState === State.Starting) {
        this.running = false;
        this.status.dispatch({ type: 'starting' });
      } else if (e.newState === State.Running) {
        this.running = true;
        this.status.dispatch({ type: 'running', version: client.initializeResult?.serverInfo?.version });
      } else if (e.newState === State.Stopped && this.running) {
        // Stopped, but not by us (doStop forgets the client first) and not
        // through closed(): e.g. the client shut down after repeated errors.
        this.running = false;
        if (this.status.state.phase !== 'error') {
          this.status.dispatch({ type: 'failed', message: describeExit(this.exit, this.stderr.last()) });
        }
      }
    });
    this.status.dispatch({ type: 'starting' });
    try {
      await client.start();
    } catch (error) {
      // The client has logged it and shown a notification; the status bar
      // keeps the reason: how the process ended and its last words, if it
      // ended (e.g. a binary without the `lsp` subcommand), else the error.
      if (this.client !== client) {
        return;
      }
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
      if (this.client !== client || this.status.state.phase === 'error') {
        return;
      }
      const base = error instanceof Error ? error.message : String(error);
      const last = this.stderr.last();
      const message =
        this.exit !== undefined
          ? `${describeExit(this.exit, last)} (while starting)`
          : last !== undefined
            ? `${base}: ${last}`
            : base;
      this.output.appendLine(`[newsmark] ${message}`);
      this.status.dispatch({ type: 'failed', message });
    }
  }

  private async doStop(): Promise<void> {
    const client = this.client;
    const child = this.process;
    this.client = undefined;
    this.process = undefined;
    if (client === undefined) {
      return;
    }
    try {
      await client.dispose(2000);
    } catch (error) {
      this.output.appendLine(`[newsmark] stopping the server: ${String(error)}`);
    }
    // We spawned the process ourselves, so make sure it is gone.
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      await Promise.race([this.exited, new Promise((r) => setTimeout(r, 1000))]);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill();
      }
    }
    this.status.dispatch({ type: 'stopped' });
  }

  async openReport(): Promise<void> {
    const folder = await this.pickFolder();
    if (folder === undefined) {
      return;
    }
    const server = this.resolve();
    if (!server.ok) {
      void vscode.window.showErrorMessage(`Newsmark report: ${server.message}`);
      return;
    }
    const inv = reportInvocation(server, folder, os.tmpdir(), process.platform);
    this.output.appendLine(`[newsmark] ${inv.command} ${inv.args.join(' ')}`);
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: 'Newsmark: writing the story report…' },
      () =>
        new Promise<{ error: (Error & { code?: unknown; signal?: string | null }) | null; stderr: string }>(
          (resolve) => {
            execFile(
              inv.command,
              inv.args,
              { cwd: folder, timeout: 5 * 60 * 1000, maxBuffer: 64 * 1024 * 1024 },
              (error, _stdout, stderr) => resolve({ error, stderr: String(stderr) }),
            );
          },
        ),
    );
    if (result.stderr.trim() !== '') {
      this.output.appendLine(result.stderr.trimEnd());
    }
    if (result.error !== null) {
      const e = result.error;
      const message = failureMessage({
        command: inv.command,
        code: typeof e.code === 'number' ? e.code : undefined,
        errno: typeof e.code === 'string' ? e.code : undefined,
        signal: e.signal ?? null,
        stderr: result.stderr,
        message: e.message,
      });
      this.output.appendLine(`[newsmark] report failed: ${message}`);
      const choice = await vscode.window.showErrorMessage(`Newsmark report failed: ${message}`, 'Show Log');
      if (choice === 'Show Log') {
        this.output.show(true);
      }
      return;
    }
    const uri = vscode.Uri.file(inv.output);
    const opened = await vscode.env.openExternal(uri);
    if (!opened) {
      void vscode.window.showInformationMessage(`Newsmark: the report is at ${inv.output}`);
    }
  }

  /** The corpus to report on: the active file's folder, the only one, or a pick. */
  private async pickFolder(): Promise<string | undefined> {
    const active = vscode.window.activeTextEditor?.document.uri;
    if (active !== undefined) {
      const wf = vscode.workspace.getWorkspaceFolder(active);
      if (wf !== undefined) {
        return wf.uri.fsPath;
      }
    }
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 1) {
      return folders[0].uri.fsPath;
    }
    if (folders.length > 1) {
      const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Corpus to report on' });
      return picked?.uri.fsPath;
    }
    if (active !== undefined && active.scheme === 'file') {
      // A lone file: `newsmark report` finds its corpus from there.
      return path.dirname(active.fsPath);
    }
    void vscode.window.showErrorMessage('Newsmark: open a corpus folder (or a .news file) to write its report.');
    return undefined;
  }

  dispose(): void {
    this.item.dispose();
    void this.stop().finally(() => this.output.dispose());
  }
}
