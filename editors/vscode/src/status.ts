// The status bar item as a small state machine: client and `$/progress`
// events in, text and tooltip out. Pure: no `vscode` import.

export type ProgressToken = string | number;

export type ProgressValue =
  | { kind: 'begin'; title: string; message?: string; percentage?: number }
  | { kind: 'report'; message?: string; percentage?: number }
  | { kind: 'end'; message?: string };

export type StatusEvent =
  /** A server process is being started (first start or restart). */
  | { type: 'starting' }
  /** The server answered `initialize`. */
  | { type: 'running'; version?: string }
  /** A `$/progress` notification from the server. */
  | { type: 'progress'; token: ProgressToken; value: ProgressValue }
  /** The server died; the client starts it again. */
  | { type: 'crashed'; message: string }
  /** The server could not start, or died and is not restarted. */
  | { type: 'failed'; message: string }
  /** Stopped on purpose (restart command, settings change, shutdown). */
  | { type: 'stopped' };

export type Phase = 'stopped' | 'starting' | 'running' | 'restarting' | 'error';

export interface Task {
  title: string;
  message?: string;
  percentage?: number;
}

export interface StatusState {
  phase: Phase;
  /** Work-done progress the server has begun and not ended, by token. */
  tasks: ReadonlyMap<ProgressToken, Task>;
  /** Why the server is not running (`error`) or was restarted (`restarting`). */
  message?: string;
  version?: string;
}

export type Tone = 'normal' | 'warning' | 'error';

export interface StatusView {
  /** Codicon name shown before the text, if any (`sync~spin`, `error`…). */
  icon?: string;
  text: string;
  tooltip: string;
  tone: Tone;
}

export const INITIAL: StatusState = { phase: 'stopped', tasks: new Map() };

export function reduce(state: StatusState, event: StatusEvent): StatusState {
  switch (event.type) {
    case 'starting':
      // A new process: whatever the old one was doing is gone. Keep the
      // crash message while restarting so the tooltip can still say why.
      return {
        phase: state.phase === 'restarting' ? 'restarting' : 'starting',
        tasks: new Map(),
        message: state.phase === 'restarting' ? state.message : undefined,
        version: state.version,
      };
    case 'running':
      return {
        phase: 'running',
        tasks: state.tasks,
        version: event.version ?? state.version,
      };
    case 'progress': {
      if (state.phase === 'error' || state.phase === 'stopped') {
        return state;
      }
      const tasks = new Map(state.tasks);
      const v = event.value;
      if (v.kind === 'begin') {
        tasks.set(event.token, { title: v.title, message: v.message, percentage: v.percentage });
      } else if (v.kind === 'report') {
        const task = tasks.get(event.token);
        if (task === undefined) {
          return state;
        }
        tasks.set(event.token, {
          title: task.title,
          message: v.message ?? task.message,
          percentage: v.percentage ?? task.percentage,
        });
      } else {
        if (!tasks.delete(event.token)) {
          return state;
        }
      }
      return { ...state, tasks };
    }
    case 'crashed':
      return { phase: 'restarting', tasks: new Map(), message: event.message, version: state.version };
    case 'failed':
      return { phase: 'error', tasks: new Map(), message: event.message, version: state.version };
    case 'stopped':
      return { phase: 'stopped', tasks: new Map(), version: state.version };
  }
}

/** Folds a sequence of events from the initial state. */
export function run(events: readonly StatusEvent[], from: StatusState = INITIAL): StatusState {
  return events.reduce(reduce, from);
}

const CLICK = 'Click to show the log.';

export function render(state: StatusState): StatusView {
  switch (state.phase) {
    case 'stopped':
      return { text: 'Newsmark: stopped', tooltip: `The Newsmark server is not running. ${CLICK}`, tone: 'normal' };
    case 'starting':
      return {
        icon: 'sync~spin',
        text: 'Newsmark: starting…',
        tooltip: `Starting the Newsmark server. ${CLICK}`,
        tone: 'normal',
      };
    case 'restarting':
      return {
        icon: 'sync~spin',
        text: 'Newsmark: restarting…',
        tooltip: `${state.message ?? 'The Newsmark server stopped.'}\nRestarting it. ${CLICK}`,
        tone: 'warning',
      };
    case 'error':
      return {
        icon: 'error',
        text: 'Newsmark: error',
        tooltip: `${state.message ?? 'The Newsmark server is not running.'}\n${CLICK}`,
        tone: 'error',
      };
    case 'running': {
      const tasks = [...state.tasks.values()];
      if (tasks.length === 0) {
        const version = state.version !== undefined ? ` ${state.version}` : '';
        return {
          text: 'Newsmark',
          tooltip: `Newsmark server${version} is running. ${CLICK}`,
          tone: 'normal',
        };
      }
      const indexing = tasks.some((t) => /index/i.test(t.title));
      const lines = tasks.map((t) => {
        const pct = t.percentage !== undefined ? ` (${Math.round(t.percentage)}%)` : '';
        const msg = t.message !== undefined && t.message !== '' ? `: ${t.message}` : '';
        return `${t.title}${msg}${pct}`;
      });
      return {
        icon: 'sync~spin',
        text: indexing ? 'Newsmark: indexing…' : 'Newsmark: working…',
        tooltip: `${lines.join('\n')}\n${CLICK}`,
        tone: 'normal',
      };
    }
  }
}

/** A small holder for the extension: dispatch events, get notified of views. */
export class StatusModel {
  private current: StatusState = INITIAL;

  constructor(private readonly onChange: (view: StatusView, state: StatusState) => void = () => {}) {}

  get state(): StatusState {
    return this.current;
  }

  dispatch(event: StatusEvent): void {
    const next = reduce(this.current, event);
    if (next !== this.current) {
      this.current = next;
      this.onChange(render(next), next);
    }
  }
}
