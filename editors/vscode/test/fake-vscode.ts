// A stand-in for the `vscode` module, enough to activate the extension and
// run vscode-languageclient against the real server under plain Node (VS Code
// itself cannot be downloaded here). What the extension shows is recorded:
// status bar texts, notifications, opened URLs, the output channel. Every API
// not listed below is an inert stub (callable, constructible, returns stubs).

/* eslint-disable @typescript-eslint/no-explicit-any */
import Module from 'node:module';
import * as path from 'node:path';

type Listener = (e: any) => unknown;

function stub(name: string): any {
  const cache: Record<string | symbol, unknown> = {};
  const fn = function () {};
  return new Proxy(fn, {
    get(_t, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.toPrimitive || prop === 'toString' || prop === 'toJSON') return () => `<${name}>`;
      if (prop === Symbol.iterator) return function* () {};
      if (prop === 'length') return 0;
      if (prop === 'prototype') return fn.prototype;
      if (prop === 'dispose') return () => {};
      if (!(prop in cache)) cache[prop] = stub(`${name}.${String(prop)}`);
      return cache[prop];
    },
    set(_t, prop, value) {
      cache[prop] = value;
      return true;
    },
    apply: () => stub(`${name}()`),
    construct: () => stub(`new ${name}`),
  });
}

const disposable = { dispose() {} };
const event = () => () => disposable;

class Emitter {
  private listeners: Listener[] = [];
  event = (l: Listener) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: unknown): void {
    for (const l of this.listeners) l(e);
  }
  dispose(): void {
    this.listeners = [];
  }
}

export interface Fake {
  /** The module object `require('vscode')` returns. */
  module: any;
  settings: Record<string, unknown>;
  statusTexts: string[];
  status: { text: string; tooltip: string };
  notifications: { level: 'error' | 'warning' | 'info'; message: string }[];
  opened: string[];
  log: string[];
  commands: Map<string, (...args: any[]) => unknown>;
  /** Change settings and fire onDidChangeConfiguration. */
  configure(changes: Record<string, unknown>): void;
  context(extensionPath: string): any;
}

export function createFake(workspaceFolder: string): Fake {
  const uri = (p: string): any => ({
    scheme: 'file',
    fsPath: p,
    path: p,
    authority: '',
    toString: () => `file://${p}`,
    with: () => uri(p),
  });
  const configChanged = new Emitter();
  const fake: Fake = {
    module: undefined,
    settings: {},
    statusTexts: [],
    status: { text: '', tooltip: '' },
    notifications: [],
    opened: [],
    log: [],
    commands: new Map(),
    configure(changes) {
      Object.assign(fake.settings, changes);
      configChanged.fire({
        affectsConfiguration: (s: string) => Object.keys(changes).some((k) => k === s || k.startsWith(`${s}.`)),
      });
    },
    context: (extensionPath) => ({ extensionPath, subscriptions: [] as { dispose(): void }[] }),
  };
  const notify = (level: 'error' | 'warning' | 'info') => async (message: string) => {
    fake.notifications.push({ level, message });
    return undefined;
  };
  const statusItem = {
    name: '',
    command: '',
    backgroundColor: undefined,
    show() {},
    hide() {},
    dispose() {},
    get text() {
      return fake.status.text;
    },
    set text(v: string) {
      fake.status.text = v;
      if (fake.statusTexts[fake.statusTexts.length - 1] !== v) fake.statusTexts.push(v);
    },
    get tooltip() {
      return fake.status.tooltip;
    },
    set tooltip(v: string) {
      fake.status.tooltip = v;
    },
  };
  const output = {
    name: 'Newsmark',
    append: (s: string) => fake.log.push(s),
    appendLine: (s: string) => fake.log.push(`${s}\n`),
    show() {},
    hide() {},
    clear() {},
    replace() {},
    dispose() {},
  };
  const workspace = {
    workspaceFolders: [{ uri: uri(workspaceFolder), name: path.basename(workspaceFolder), index: 0 }],
    textDocuments: [],
    getConfiguration: (section?: string) => ({
      get: (key: string, dflt?: unknown) => {
        const k = section ? `${section}.${key}` : key;
        return k in fake.settings ? fake.settings[k] : dflt;
      },
      has: () => false,
      inspect: () => undefined,
      update: async () => {},
    }),
    getWorkspaceFolder: () => undefined,
    onDidChangeConfiguration: configChanged.event,
    createFileSystemWatcher: () => ({
      onDidCreate: event(),
      onDidChange: event(),
      onDidDelete: event(),
      dispose() {},
    }),
  };
  const window = {
    createOutputChannel: () => output,
    createStatusBarItem: () => statusItem,
    showErrorMessage: notify('error'),
    showWarningMessage: notify('warning'),
    showInformationMessage: notify('info'),
    withProgress: async (_o: unknown, f: (p: unknown, t: unknown) => unknown) =>
      f({ report() {} }, { isCancellationRequested: false, onCancellationRequested: event() }),
    activeTextEditor: undefined,
    visibleTextEditors: [],
    tabGroups: { all: [], onDidChangeTabs: event() },
  };
  const named: Record<string, unknown> = {
    version: '1.85.0',
    workspace: withFallback(workspace, 'workspace'),
    window: withFallback(window, 'window'),
    commands: {
      registerCommand: (id: string, f: (...a: any[]) => unknown) => {
        fake.commands.set(id, f);
        return disposable;
      },
      executeCommand: async () => undefined,
    },
    env: {
      appName: 'fake-vscode',
      language: 'en',
      openExternal: async (u: { fsPath: string }) => {
        fake.opened.push(u.fsPath);
        return true;
      },
    },
    Uri: { file: uri, parse: (s: string) => uri(s.replace(/^file:\/\//, '')) },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
    ThemeColor: class {
      constructor(readonly id: string) {}
    },
    EventEmitter: Emitter,
    Disposable: class {
      constructor(private readonly f?: () => void) {}
      dispose() {
        this.f?.();
      }
      static from(...ds: { dispose(): void }[]) {
        return { dispose: () => ds.forEach((d) => d.dispose()) };
      }
    },
  };
  // esbuild/tsc interop copies the module's own keys, so list every export
  // name the extension or the client may touch; unknown ones are stubs.
  const root = stub('vscode');
  const mod: Record<string, unknown> = {};
  for (const key of [...Object.keys(named), ...VSCODE_EXPORTS]) {
    Object.defineProperty(mod, key, { enumerable: true, get: () => (key in named ? named[key] : root[key]) });
  }
  fake.module = mod;
  return fake;
}

function withFallback<T extends object>(obj: T, name: string): T {
  const fallback = stub(name);
  return new Proxy(obj, {
    get: (o, k) => (k in o ? (o as any)[k] : k.toString().startsWith('on') ? event() : fallback[k]),
  });
}

/** Routes `require('vscode')` to the fake until the returned function is called. */
export function installFake(fake: Fake): () => void {
  const M = Module as any;
  const original = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? 'vscode' : original.call(this, request, ...rest);
  };
  require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: fake.module } as any;
  return () => {
    M._resolveFilename = original;
    delete require.cache.vscode;
  };
}

const VSCODE_EXPORTS = `CallHierarchyIncomingCall CallHierarchyItem CallHierarchyOutgoingCall CancellationError
CancellationTokenSource CodeAction CodeActionKind CodeActionTriggerKind CodeLens Color ColorInformation
ColorPresentation CompletionItem CompletionItemKind CompletionItemTag CompletionList CompletionTriggerKind
ConfigurationTarget DecorationRangeBehavior Diagnostic DiagnosticRelatedInformation DiagnosticSeverity
DiagnosticTag DocumentHighlight DocumentHighlightKind DocumentLink DocumentSymbol EndOfLine
FileSystemError FoldingRange FoldingRangeKind Hover InlayHint InlayHintKind InlayHintLabelPart
InlineCompletionItem InlineCompletionList InlineValueEvaluatableExpression InlineValueText
InlineValueVariableLookup LinkedEditingRanges Location LocationLink MarkdownString NotebookCellKind
NotebookCellOutput NotebookCellOutputItem NotebookData NotebookEdit NotebookRange ParameterInformation
Position Range RelativePattern SelectionRange SemanticTokens SemanticTokensBuilder SemanticTokensEdit
SemanticTokensEdits SemanticTokensLegend SignatureHelp SignatureHelpTriggerKind SignatureInformation
SnippetString SymbolInformation SymbolKind SymbolTag TextDocumentSaveReason TextEdit ThemeIcon
TypeHierarchyItem UIKind ViewColumn WorkspaceEdit WorkspaceSymbol extensions l10n languages notebooks
tasks tests debug scm comments authentication`.split(/\s+/);
