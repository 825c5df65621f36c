import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, type LanguageClient } from 'vscode-languageclient/node';
import { makeNonce, renderTemplate } from './template';

/** Server command that renders the current (unsaved) text of a document as SVG. */
export const PREVIEW_COMMAND = 'flowzap.preview';
export const UPDATE_DELAY_MS = 200;

export type PreviewView = 'workflow' | 'sequence';
export type PreviewTheme = 'light' | 'dark';

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
        const m = msg as { type?: unknown; node?: unknown; line?: unknown; view?: unknown };
        switch (m.type) {
            case 'ready':
                this.ready = true;
                void this.panel.webview.postMessage({ type: 'init', uri: this.uri.toString(), view: this.view });
                void this.update();
                break;
            case 'reveal':
                void this.manager.reveal(
                    this.uri,
                    typeof m.node === 'string' ? m.node : undefined,
                    typeof m.line === 'number' && Number.isInteger(m.line) ? m.line : undefined,
                    this.panel.viewColumn,
                );
                break;
            case 'setView':
                if (m.view === 'workflow' || m.view === 'sequence') {
                    this.view = m.view;
                    void this.update();
                }
                break;
            case 'export':
                void this.manager.exportSvg(this.uri, this.view);
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
            arguments: [{ uri: uri.toString(), view, theme: theme ?? previewTheme(uri) }],
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
        this.attach(panel, uri, s.view === 'sequence' ? 'sequence' : 'workflow');
    }

    refreshAll(): void {
        for (const p of this.previews.values()) {
            void p.update();
        }
    }

    /** Put the cursor on a node's declaration (the preview sends its id and 0-based line). */
    async reveal(uri: vscode.Uri, node: string | undefined, line: number | undefined, previewColumn?: vscode.ViewColumn): Promise<void> {
        const doc = await vscode.workspace.openTextDocument(uri);
        let target = line;
        const declares = (l: number) => !!node && new RegExp(`^\\s*${escapeRegExp(node)}\\s*:`).test(doc.lineAt(l).text);
        if (target === undefined || target < 0 || target >= doc.lineCount || (node && !declares(target))) {
            // Fall back to searching for the declaration (the text may have moved on).
            const found = node ? findDeclaration(doc, node) : undefined;
            target = found ?? (target !== undefined ? Math.min(Math.max(target, 0), doc.lineCount - 1) : undefined);
        }
        if (target === undefined) {
            return;
        }
        const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
        const column = visible?.viewColumn ?? (previewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: column, preserveFocus: false });
        const text = doc.lineAt(target).text;
        let start = text.length - text.trimStart().length;
        let end = start;
        if (node) {
            const at = text.indexOf(node, start);
            if (at >= 0) {
                start = at;
                end = at + node.length;
            }
        }
        const range = new vscode.Range(target, start, target, end);
        editor.selection = new vscode.Selection(range.start, range.end);
        editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    }

    /** Ask for a file name and save the SVG the server renders for the document. */
    async exportSvg(uri?: vscode.Uri, view?: PreviewView): Promise<void> {
        const target = this.targetUri(uri);
        if (!target) {
            void vscode.window.showInformationMessage('FlowZap: open a .fz file to export it.');
            return;
        }
        const chosenView = view ?? this.previews.get(target.toString())?.view ?? 'workflow';
        let result: PreviewResult;
        try {
            result = await this.render(target, chosenView);
        } catch (err) {
            void vscode.window.showErrorMessage(`FlowZap: could not render the diagram: ${errorText(err)}`);
            return;
        }
        const base = target.path.replace(/\.fz$/i, '') + (chosenView === 'sequence' ? '.sequence' : '') + '.svg';
        const defaultUri = target.scheme === 'file' ? vscode.Uri.file(target.fsPath.replace(/\.fz$/i, '') + (chosenView === 'sequence' ? '.sequence' : '') + '.svg') : undefined;
        const dest = await vscode.window.showSaveDialog({
            defaultUri,
            filters: { 'SVG image': ['svg'] },
            saveLabel: 'Export SVG',
            title: `Export ${path.posix.basename(base)}`,
        });
        if (!dest) {
            return;
        }
        await vscode.workspace.fs.writeFile(dest, new TextEncoder().encode(result.svg));
        this.log?.info(`Exported ${chosenView} view of ${target.toString()} to ${dest.toString()}`);
        void vscode.window.showInformationMessage(`FlowZap: saved ${path.posix.basename(dest.path)}.`);
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

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function findDeclaration(doc: vscode.TextDocument, node: string): number | undefined {
    const re = new RegExp(`^\\s*${escapeRegExp(node)}\\s*:`);
    for (let i = 0; i < doc.lineCount; i++) {
        if (re.test(doc.lineAt(i).text)) {
            return i;
        }
    }
    return undefined;
}
