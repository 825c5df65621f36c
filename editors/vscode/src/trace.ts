import * as vscode from 'vscode';

/** Values of `flowzap.trace.server` that ask for the LSP traffic. */
const TRACING = new Set(['messages', 'verbose']);

/**
 * The channel vscode-languageclient writes the LSP trace to (its `traceOutputChannel`).
 *
 * vscode-languageclient 11 traces only while that channel's log level is Trace, whatever
 * `flowzap.trace.server` says, and a log channel starts at Info: the setting alone showed
 * nothing. This channel reports Trace while the setting is `messages` or `verbose` (and
 * the server output channel's own level otherwise, so *Set Log Level… → Trace* on it
 * works too), tells the client when that changes, and writes the trace into the server
 * output channel: as Trace lines when that channel shows them, else as Info lines (the
 * user asked for them through the setting).
 */
export class TraceOutputChannel implements vscode.LogOutputChannel {
    private readonly changed = new vscode.EventEmitter<vscode.LogLevel>();
    private readonly subscriptions: vscode.Disposable[];
    private level: vscode.LogLevel;

    constructor(
        private readonly channel: vscode.LogOutputChannel,
        private readonly section = 'flowzap',
    ) {
        this.level = this.effectiveLevel();
        this.subscriptions = [
            this.changed,
            channel.onDidChangeLogLevel(() => this.update()),
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (e.affectsConfiguration(`${section}.trace.server`)) {
                    this.update();
                }
            }),
        ];
    }

    /** The setting asks for a trace. */
    get settingTraces(): boolean {
        const value = vscode.workspace.getConfiguration(this.section).get<string>('trace.server', 'off');
        return TRACING.has(value);
    }

    private effectiveLevel(): vscode.LogLevel {
        return this.settingTraces ? vscode.LogLevel.Trace : this.channel.logLevel;
    }

    private update(): void {
        const next = this.effectiveLevel();
        if (next !== this.level) {
            this.level = next;
            this.changed.fire(next);
        }
    }

    get name(): string {
        return this.channel.name;
    }

    get logLevel(): vscode.LogLevel {
        return this.level;
    }

    get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
        return this.changed.event;
    }

    trace(message: string, ...args: unknown[]): void {
        if (this.channel.logLevel === vscode.LogLevel.Trace) {
            this.channel.trace(message, ...args);
        } else if (this.settingTraces) {
            this.channel.info(message, ...args);
        }
    }

    debug(message: string, ...args: unknown[]): void {
        this.channel.debug(message, ...args);
    }

    info(message: string, ...args: unknown[]): void {
        this.channel.info(message, ...args);
    }

    warn(message: string, ...args: unknown[]): void {
        this.channel.warn(message, ...args);
    }

    error(error: string | Error, ...args: unknown[]): void {
        this.channel.error(error, ...args);
    }

    append(value: string): void {
        this.channel.append(value);
    }

    appendLine(value: string): void {
        this.channel.appendLine(value);
    }

    replace(value: string): void {
        this.channel.replace(value);
    }

    clear(): void {
        this.channel.clear();
    }

    show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
        if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) {
            this.channel.show(columnOrPreserveFocus);
        } else {
            this.channel.show(columnOrPreserveFocus, preserveFocus);
        }
    }

    hide(): void {
        this.channel.hide();
    }

    /** Stops listening; the server output channel itself belongs to the extension. */
    dispose(): void {
        for (const s of this.subscriptions) {
            s.dispose();
        }
    }
}
