import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type ExecuteCommandSignature, type LanguageClient } from 'vscode-languageclient/node';
import { makeNonce, renderTemplate } from './template';

/** Server command that renders the current (unsaved) text of a document as SVG. */
export const PREVIEW_COMMAND = 'flowzap.preview';
/** Server command that answers what a click in the preview selects in the source: {ranges}. */
export const SOURCE_RANGES_COMMAND = 'flowzap.sourceRanges';
/** Server command that answers the FlowZap playground URL of a document's current text. */
export const SHARE_URL_COMMAND = 'flowzap.shareUrl';
/** Server command that draws a document's current text as a file's bytes: {format, base64}. */
export const EXPORT_COMMAND = 'flowzap.export';
/** PNG exports are this many times the SVG's size: sharp on high-density screens and slides. */
export const EXPORT_PNG_SCALE = 2;
export type ExportFormat = 'svg' | 'png';
/** The command "FlowZap: Open in FlowZap" (a server command the extension's middleware runs). */
export const OPEN_IN_FLOWZAP_COMMAND = 'flowzap.openInFlowZap';
/** What a share URL must look like before it is opened in the browser. */
export const PLAYGROUND_URL = /^https:\/\/flowzap\.xyz\/playground\?code=[A-Za-z0-9_-]*$/;
export const UPDATE_DELAY_MS = 200;

export const PREVIEW_VIEWS = ['workflow', 'sequence', 'architecture'] as const;
export type PreviewView = (typeof PREVIEW_VIEWS)[number];
export type PreviewTheme = 'light' | 'dark';

export function isPreviewView(value: unknown): value is PreviewView {
    return typeof value === 'string' && (PREVIEW_VIEWS as readonly string[]).includes(value);
}

/** What a click in the preview points at: a node (id and line), a lane (id and header line),
 *  or the lines of the edges an architecture arrow stands for. */
export interface RevealTarget {
    node?: string;
    lane?: string;
    line?: number;
    lines?: number[];
}

export interface PreviewResult {
    svg: string;
    view: string;
    version: number | null;
}

interface PanelState {
    uri?: string;
    view?: PreviewView;
}

function isPreviewResult(value: unknown): value is PreviewResult {
    return !!value && typeof value === 'object' && typeof (value as PreviewResult).svg === 'string';
}

function errorText(err: unknown): string {
    if (err instanceof Error) {
        return err.message;
    }
    if (err && typeof err === 'object' && 'message' in err) {
        return String((err as { message: unknown }).message);
    }
    return String(err);
}

/** The theme to draw with: the setting, or the VS Code color theme when it says `auto`. */
export function previewTheme(resource?: vscode.Uri): PreviewTheme {
    const setting = vscode.workspace.getConfiguration('flowzap', resource).get<string>('preview.theme', 'auto');
    if (setting === 'light' || setting === 'dark') {
        return setting;
    }
    const kind = vscode.window.activeColorTheme.kind;
    return kind === vscode.ColorThemeKind.Dark || kind === vscode.ColorThemeKind.HighContrast ? 'dark' : 'light';
}

/** The sequence view's order of steps (`flowzap.preview.sequenceOrder`), sent with each
 * render so that a change of the setting shows at once (the server's copy of the settings
 * follows a moment later). */
export function sequenceOrder(resource?: vscode.Uri): 'causal' | 'document' {
    const setting = vscode.workspace.getConfiguration('flowzap', resource).get<string>('preview.sequenceOrder', 'causal');
    return setting === 'document' ? 'document' : 'causal';
}

/** The document a command was run for: a vscode.Uri (explorer, editor title) or {uri}. */
export function commandUri(arg: unknown): vscode.Uri | undefined {
    if (arg instanceof vscode.Uri) {
        return arg;
    }
    const uri = arg && typeof arg === 'object' ? (arg as { uri?: unknown }).uri : undefined;
    return typeof uri === 'string' ? vscode.Uri.parse(uri) : undefined;
}

/**
 * vscode-languageclient's executeCommand middleware. "FlowZap: Open in FlowZap" (command
 * palette, preview toolbar) is the server's `flowzap.openInFlowZap`, which the client
 * registers as a VS Code command (the extension must not register it too); run from the
 * palette it has no arguments, so the extension picks the document (the argument, else the
 * active .fz editor or preview) and opens the server's `flowzap.shareUrl` answer with
 * vscode.env.openExternal. Every other server command goes to the server as is.
 */
export function commandMiddleware(manager: () => PreviewManager | undefined) {
    return (command: string, args: unknown[], next: ExecuteCommandSignature): Promise<unknown> | unknown => {
        if (command === OPEN_IN_FLOWZAP_COMMAND) {
            return manager()?.openInFlowZap(commandUri(args[0]));
        }
        return next(command, args);
    };
}

/** One webview panel showing one document. */
class Preview implements vscode.Disposable {
    private timer: NodeJS.Timeout | undefined;
    private seq = 0;
    private ready = false;
    private readonly disposables: vscode.Disposable[] = [];
    private disposed = false;

    constructor(
        private readonly manager: PreviewManager,
        readonly panel: vscode.WebviewPanel,
        readonly uri: vscode.Uri,
        public view: PreviewView,
    ) {
        const media = vscode.Uri.joinPath(manager.extensionUri, 'media');
        panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
        panel.title = `Preview ${path.posix.basename(uri.path)}`;
        panel.webview.html = manager.pageHtml(panel.webview);
        this.disposables.push(
            panel.webview.onDidReceiveMessage((msg) => this.onMessage(msg)),
            panel.onDidDispose(() => this.dispose()),
        );
    }

    private onMessage(msg: unknown): void {
        if (!msg || typeof msg !== 'object') {
            return;
        }
        const m = msg as { type?: unknown; node?: unknown; lane?: unknown; line?: unknown; lines?: unknown; view?: unknown; format?: unknown };
        switch (m.type) {
            case 'ready':
                this.ready = true;
                void this.panel.webview.postMessage({ type: 'init', uri: this.uri.toString(), view: this.view });
                void this.update();
                break;
            case 'reveal': {
                const lines = Array.isArray(m.lines) ? m.lines.filter((l): l is number => Number.isInteger(l) && l >= 0) : [];
                void this.manager.reveal(
                    this.uri,
                    {
                        node: typeof m.node === 'string' ? m.node : undefined,
                        lane: typeof m.lane === 'string' ? m.lane : undefined,
                        line: typeof m.line === 'number' && Number.isInteger(m.line) ? m.line : undefined,
                        lines: lines.length > 0 ? lines : undefined,
                    },
                    this.panel.viewColumn,
                );
                break;
            }
            case 'setView':
                if (isPreviewView(m.view)) {
                    this.view = m.view;
                    void this.update();
                }
                break;
            case 'export':
                void this.manager.exportImage(m.format === 'png' ? 'png' : 'svg', this.uri, this.view);
                break;
            case 'openInFlowZap':
                void this.manager.openInFlowZap(this.uri);
                break;
        }
    }

    /** Re-render after UPDATE_DELAY_MS without further edits. */
    schedule(): void {
        if (this.timer) {
            clearTimeout(this.timer);
        }
        this.timer = setTimeout(() => {
            this.timer = undefined;
            void this.update();
        }, UPDATE_DELAY_MS);
    }

    async update(): Promise<void> {
        if (this.disposed || !this.ready) {
            return;
        }
        const mine = ++this.seq;
        try {
            const result = await this.manager.render(this.uri, this.view);
            if (mine !== this.seq || this.disposed) {
                return; // a newer request is on its way
            }
            await this.panel.webview.postMessage({ type: 'render', ...result, theme: previewTheme(this.uri) });
        } catch (err) {
            if (mine === this.seq && !this.disposed) {
                await this.panel.webview.postMessage({ type: 'error', message: errorText(err) });
            }
        }
    }

    reveal(toSide: boolean): void {
        this.panel.reveal(toSide ? vscode.ViewColumn.Beside : this.panel.viewColumn, false);
    }

    dispose(): void {
        if (this.disposed) {
            return;
        }
        this.disposed = true;
        if (this.timer) {
            clearTimeout(this.timer);
        }
        this.manager.forget(this);
        this.panel.dispose();
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}

/** Opens, restores and updates previews; exports SVG. */
export class PreviewManager implements vscode.WebviewPanelSerializer, vscode.Disposable {
    static readonly viewType = 'flowzap.previewPanel';

    private readonly previews = new Map<string, Preview>();
    private readonly disposables: vscode.Disposable[] = [];
    private template: string | undefined;
    readonly extensionUri: vscode.Uri;

    constructor(
        context: vscode.ExtensionContext,
        private readonly getClient: () => LanguageClient | undefined,
        private readonly log?: vscode.LogOutputChannel,
    ) {
        this.extensionUri = context.extensionUri;
        this.disposables.push(
            vscode.workspace.onDidChangeTextDocument((e) => {
                this.previews.get(e.document.uri.toString())?.schedule();
            }),
            vscode.window.onDidChangeActiveColorTheme(() => this.refreshAll()),
        );
    }

    /** The page template with this webview's nonce and resource URIs filled in. */
    pageHtml(webview: vscode.Webview): string {
        if (this.template === undefined) {
            const file = vscode.Uri.joinPath(this.extensionUri, 'media', 'preview.html').fsPath;
            this.template = fs.readFileSync(file, 'utf8');
        }
        const media = vscode.Uri.joinPath(this.extensionUri, 'media');
        return renderTemplate(this.template, {
            nonce: makeNonce(),
            cspSource: webview.cspSource,
            scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.js')).toString(),
            styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'preview.css')).toString(),
        });
    }

    /** Ask the server for the SVG of the document's current text. */
    async render(uri: vscode.Uri, view: PreviewView, theme?: PreviewTheme): Promise<PreviewResult> {
        const client = this.getClient();
        if (!client || !client.isRunning()) {
            throw new Error('The FlowZap language server is not running. Run "FlowZap: Restart Server" or check the FlowZap output.');
        }
        // Make sure the server knows the document (it may have no editor, e.g. opened from the explorer).
        await vscode.workspace.openTextDocument(uri);
        const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
            command: PREVIEW_COMMAND,
            arguments: [{ uri: uri.toString(), view, theme: theme ?? previewTheme(uri), sequenceOrder: sequenceOrder(uri) }],
        });
        if (!isPreviewResult(result)) {
            throw new Error('The language server returned no SVG for this document.');
        }
        return result;
    }

    private targetUri(uri?: vscode.Uri): vscode.Uri | undefined {
        if (uri instanceof vscode.Uri) {
            return uri;
        }
        const editor = vscode.window.activeTextEditor;
        if (editor && editor.document.languageId === 'flowzap') {
            return editor.document.uri;
        }
        for (const p of this.previews.values()) {
            if (p.panel.active) {
                return p.uri;
            }
        }
        return undefined;
    }

    async open(uri: vscode.Uri | undefined, toSide: boolean): Promise<void> {
        const target = this.targetUri(uri);
        if (!target) {
            void vscode.window.showInformationMessage('FlowZap: open a .fz file to preview it.');
            return;
        }
        const existing = this.previews.get(target.toString());
        if (existing) {
            existing.reveal(toSide);
            return;
        }
        await vscode.workspace.openTextDocument(target);
        const panel = vscode.window.createWebviewPanel(
            PreviewManager.viewType,
            `Preview ${path.posix.basename(target.path)}`,
            { viewColumn: toSide ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: toSide },
            { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] },
        );
        this.attach(panel, target, 'workflow');
    }

    private attach(panel: vscode.WebviewPanel, uri: vscode.Uri, view: PreviewView): Preview {
        const preview = new Preview(this, panel, uri, view);
        this.previews.set(uri.toString(), preview);
        return preview;
    }

    forget(preview: Preview): void {
        if (this.previews.get(preview.uri.toString()) === preview) {
            this.previews.delete(preview.uri.toString());
        }
    }

    /** Restore a preview after a window reload. */
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const s = (state ?? {}) as PanelState;
        if (typeof s.uri !== 'string') {
            panel.dispose();
            return;
        }
        const uri = vscode.Uri.parse(s.uri);
        const old = this.previews.get(uri.toString());
        if (old) {
            old.dispose();
        }
        this.attach(panel, uri, isPreviewView(s.view) ? s.view : 'workflow');
    }

    refreshAll(): void {
        for (const p of this.previews.values()) {
            void p.update();
        }
    }

    /**
     * Show the source of what was clicked in the preview. The server answers what to select
     * (flowzap.sourceRanges, the same answer a browser preview's click gets): a node's id at
     * its declaration, a lane's id at its header, or every edge line an architecture arrow
     * stands for (one selection each, the first revealed); a node or lane whose line moved
     * on is found by its id.
     */
    async reveal(uri: vscode.Uri, target: RevealTarget, previewColumn?: vscode.ViewColumn): Promise<void> {
        const client = this.getClient();
        if (!client || !client.isRunning()) {
            return;
        }
        let ranges: vscode.Range[];
        try {
            const doc = await vscode.workspace.openTextDocument(uri);
            const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
                command: SOURCE_RANGES_COMMAND,
                arguments: [{ uri: uri.toString(), target }],
            });
            ranges = asRanges(result).filter((r) => r.end.line < doc.lineCount);
        } catch (err) {
            this.log?.warn(`Could not find the source of a click in the preview: ${errorText(err)}`);
            return;
        }
        if (ranges.length === 0) {
            return;
        }
        const doc = await vscode.workspace.openTextDocument(uri);
        const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
        const column = visible?.viewColumn ?? (previewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
        const selections = ranges.map((r) => new vscode.Selection(r.start, r.end));
        editor.selection = selections[0];
        if (selections.length > 1) {
            editor.selections = selections;
        }
        editor.revealRange(ranges[0], vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }

    /**
     * "Open in FlowZap": ask the server for the playground URL of the document's current
     * (unsaved) text and open it in the browser. Nothing leaves the machine unless the user
     * runs this. Answers the URL, or undefined when nothing was opened.
     */
    async openInFlowZap(uri?: vscode.Uri): Promise<string | undefined> {
        const target = this.targetUri(uri);
        if (!target) {
            void vscode.window.showInformationMessage('FlowZap: open a .fz file to open it in FlowZap.');
            return undefined;
        }
        const client = this.getClient();
        let url: unknown;
        try {
            if (!client || !client.isRunning()) {
                throw new Error('The FlowZap language server is not running.');
            }
            await vscode.workspace.openTextDocument(target);
            const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
                command: SHARE_URL_COMMAND,
                arguments: [{ uri: target.toString() }],
            });
            url = result && typeof result === 'object' ? (result as { url?: unknown }).url : undefined;
        } catch (err) {
            void vscode.window.showErrorMessage(`FlowZap: could not build the FlowZap link: ${errorText(err)}`);
            return undefined;
        }
        if (typeof url !== 'string' || !PLAYGROUND_URL.test(url)) {
            void vscode.window.showErrorMessage('FlowZap: the language server returned no FlowZap link for this document.');
            return undefined;
        }
        const opened = await vscode.env.openExternal(vscode.Uri.parse(url, true));
        this.log?.info(`Open in FlowZap: ${target.toString()} (${url.length} characters of URL, ${opened ? 'opened' : 'not opened'})`);
        return opened ? url : undefined;
    }

    /** "Export SVG…": ask for a file name and save the SVG the server draws. */
    exportSvg(uri?: vscode.Uri, view?: PreviewView): Promise<void> {
        return this.exportImage('svg', uri, view);
    }

    /** "Export PNG…": the same as a PNG (EXPORT_PNG_SCALE times the SVG's size). */
    exportPng(uri?: vscode.Uri, view?: PreviewView): Promise<void> {
        return this.exportImage('png', uri, view);
    }

    /**
     * Ask for a file name next to the document (`flow.svg`, `flow.sequence.png`, …) and save
     * the diagram of its current (unsaved) text there, in the preview's view and theme. The
     * server draws the file (flowzap.export: render/export.py, PNG through render/png.py);
     * its refusal (a PNG without the rasterizer on the server's side, say) is shown as is.
     */
    async exportImage(format: ExportFormat, uri?: vscode.Uri, view?: PreviewView): Promise<void> {
        const kind = format.toUpperCase();
        const target = this.targetUri(uri);
        if (!target) {
            void vscode.window.showInformationMessage('FlowZap: open a .fz file to export it.');
            return;
        }
        const chosenView = view ?? this.previews.get(target.toString())?.view ?? 'workflow';
        let bytes: Uint8Array;
        try {
            bytes = await this.exportBytes(target, chosenView, format);
        } catch (err) {
            void vscode.window.showErrorMessage(`FlowZap: could not export the diagram as ${kind}: ${errorText(err)}`);
            return;
        }
        const suffix = (chosenView === 'workflow' ? '' : `.${chosenView}`) + `.${format}`;
        const base = target.path.replace(/\.fz$/i, '') + suffix;
        const defaultUri = target.scheme === 'file' ? vscode.Uri.file(target.fsPath.replace(/\.fz$/i, '') + suffix) : undefined;
        const dest = await vscode.window.showSaveDialog({
            defaultUri,
            filters: { [`${kind} image`]: [format] },
            saveLabel: `Export ${kind}`,
            title: `Export ${path.posix.basename(base)}`,
        });
        if (!dest) {
            return;
        }
        await vscode.workspace.fs.writeFile(dest, bytes);
        this.log?.info(`Exported ${chosenView} view of ${target.toString()} to ${dest.toString()} (${format}, ${bytes.length} bytes)`);
        void vscode.window.showInformationMessage(`FlowZap: saved ${path.posix.basename(dest.path)}.`);
    }

    /** The file's bytes, drawn by the server from the document's current text. */
    private async exportBytes(uri: vscode.Uri, view: PreviewView, format: ExportFormat): Promise<Uint8Array> {
        const client = this.getClient();
        if (!client || !client.isRunning()) {
            throw new Error('The FlowZap language server is not running.');
        }
        await vscode.workspace.openTextDocument(uri);
        const result: unknown = await client.sendRequest(ExecuteCommandRequest.type, {
            command: EXPORT_COMMAND,
            arguments: [{ uri: uri.toString(), view, theme: previewTheme(uri), format, scale: format === 'png' ? EXPORT_PNG_SCALE : 1, sequenceOrder: sequenceOrder(uri) }],
        });
        const encoded = result && typeof result === 'object' ? (result as { base64?: unknown; format?: unknown }) : undefined;
        if (!encoded || typeof encoded.base64 !== 'string' || encoded.format !== format) {
            throw new Error(`the language server returned no ${format.toUpperCase()} for this document.`);
        }
        return Buffer.from(encoded.base64, 'base64');
    }

    dispose(): void {
        for (const p of [...this.previews.values()]) {
            p.dispose();
        }
        for (const d of this.disposables) {
            d.dispose();
        }
    }
}

/** The LSP ranges of a flowzap.sourceRanges answer (anything malformed is dropped). */
function asRanges(result: unknown): vscode.Range[] {
    const listed = result && typeof result === 'object' ? (result as { ranges?: unknown }).ranges : undefined;
    if (!Array.isArray(listed)) {
        return [];
    }
    const out: vscode.Range[] = [];
    for (const r of listed) {
        const s = r?.start;
        const e = r?.end;
        const numbers = [s?.line, s?.character, e?.line, e?.character];
        if (numbers.every((n) => Number.isInteger(n) && n >= 0)) {
            out.push(new vscode.Range(s.line, s.character, e.line, e.character));
        }
    }
    return out;
}
