import * as vscode from 'vscode';
import {
    LanguageClient,
    type LanguageClientOptions,
    type ServerOptions,
    State,
    RevealOutputChannelOn,
} from 'vscode-languageclient/node';
import { describePlan, resolveLaunch, type LaunchError, type LaunchPlan } from './launch';
import { PreviewManager, commandMiddleware } from './preview';
import { getPythonExtensionInterpreter } from './python';
import { TraceOutputChannel } from './trace';

export const LANGUAGE_ID = 'flowzap';
const CLIENT_ID = 'flowzap'; // vscode-languageclient reads `flowzap.trace.server` from this id
const CLIENT_NAME = 'FlowZap Language Server';

/** Settings the server reads (initializationOptions and workspace/configuration). */
const SERVER_SETTING_KEYS = [
    'diagnostics.delayMs',
    'diagnostics.sequenceRules',
    'diagnostics.strict',
    'diagnostics.maxLabelLength',
    'format.indent',
    'inlayHints.labels',
    'preview.theme',
    'preview.sequenceOrder',
] as const;

/** Settings that change how the server is started: changing them restarts it. */
const LAUNCH_SETTING_KEYS = ['flowzap.server.command', 'flowzap.python.path'];

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel | undefined;
let traceOutput: TraceOutputChannel | undefined; // `flowzap.trace.server` -> the LSP trace in `output`
let previews: PreviewManager | undefined;
let starting: Promise<void> | undefined;

export function getClient(): LanguageClient | undefined {
    return client;
}

/** `{flowzap: {...}}` with the server-side settings, as plain JSON. */
export function serverSettings(): { flowzap: Record<string, unknown> } {
    const config = vscode.workspace.getConfiguration('flowzap');
    const flowzap: Record<string, unknown> = {};
    for (const key of SERVER_SETTING_KEYS) {
        const [group, name] = key.split('.');
        const value = config.get(key);
        if (value === undefined) {
            continue;
        }
        const section = (flowzap[group] ??= {}) as Record<string, unknown>;
        section[name] = value;
    }
    return { flowzap };
}

async function launchInputs(context: vscode.ExtensionContext) {
    const config = vscode.workspace.getConfiguration('flowzap');
    const trusted = vscode.workspace.isTrusted;
    // In an untrusted workspace only user-level values count for the launch settings.
    const pick = <T>(key: string, fallback: T): T => {
        if (trusted) {
            return config.get<T>(key, fallback);
        }
        const info = config.inspect<T>(key);
        return (info?.globalValue ?? info?.defaultValue ?? fallback) as T;
    };
    const serverCommand = pick<string[]>('server.command', []);
    const pythonPath = pick<string>('python.path', '');
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    let pythonExtensionPath: string | undefined;
    if ((!serverCommand || serverCommand.length === 0) && !pythonPath.trim()) {
        pythonExtensionPath = await getPythonExtensionInterpreter(folder, output);
    }
    return {
        extensionPath: context.extensionPath,
        serverCommand: Array.isArray(serverCommand) ? serverCommand : [],
        pythonPath: typeof pythonPath === 'string' ? pythonPath : '',
        pythonExtensionPath,
        env: process.env,
        workspaceFolder: folder?.scheme === 'file' ? folder.fsPath : undefined,
    };
}

/** One notification per failed start, with a button that opens the setting to fix. */
async function reportLaunchError(error: LaunchError): Promise<void> {
    output?.error(error.message);
    for (const note of error.notes) {
        output?.info(`  ${note}`);
    }
    const openSettings = 'Open Settings';
    const showOutput = 'Show Output';
    const choice = await vscode.window.showErrorMessage(error.message, openSettings, showOutput);
    if (choice === openSettings) {
        await vscode.commands.executeCommand('workbench.action.openSettings', error.setting);
    } else if (choice === showOutput) {
        output?.show(true);
    }
}

function createClient(plan: LaunchPlan): LanguageClient {
    const executable = {
        command: plan.command,
        args: plan.args,
        options: { env: plan.env, cwd: plan.cwd },
        // No `transport`: vscode-languageclient would append `--stdio` itself; the bundled
        // launcher already runs the server in stdio mode, and server.command is used verbatim.
    };
    const serverOptions: ServerOptions = { run: executable, debug: executable };
    const clientOptions: LanguageClientOptions = {
        documentSelector: [
            { scheme: 'file', language: LANGUAGE_ID },
            { scheme: 'untitled', language: LANGUAGE_ID },
        ],
        synchronize: { configurationSection: 'flowzap' },
        initializationOptions: serverSettings(),
        outputChannel: output,
        traceOutputChannel: traceOutput,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        // "FlowZap: Open in FlowZap" is the server's flowzap.openInFlowZap, registered by
        // vscode-languageclient; the extension runs it (see commandMiddleware).
        middleware: { executeCommand: commandMiddleware(() => previews) },
    };
    return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
    const inputs = await launchInputs(context);
    const result = await resolveLaunch(inputs);
    if (!result.ok) {
        await reportLaunchError(result.error);
        return;
    }
    const plan = result.plan;
    for (const note of plan.notes) {
        output?.info(note);
    }
    output?.info(describePlan(plan));
    const next = createClient(plan);
    next.onDidChangeState((e) => {
        if (e.newState === State.Running) {
            previews?.refreshAll();
        }
    });
    client = next;
    try {
        await next.start();
    } catch (err) {
        const message = `FlowZap: the language server failed to start (${err instanceof Error ? err.message : String(err)}).`;
        output?.error(message);
        const setting = plan.source === 'server.command' ? 'flowzap.server.command' : 'flowzap.python.path';
        const choice = await vscode.window.showErrorMessage(message, 'Show Output', 'Open Settings');
        if (choice === 'Show Output') {
            output?.show(true);
        } else if (choice === 'Open Settings') {
            await vscode.commands.executeCommand('workbench.action.openSettings', setting);
        }
    }
}

async function stopClient(): Promise<void> {
    const current = client;
    client = undefined;
    if (current) {
        try {
            await current.stop(5000);
        } catch (err) {
            output?.warn(`Stopping the server: ${err instanceof Error ? err.message : String(err)}`);
        }
        await current.dispose().catch(() => undefined);
    }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
    if (starting) {
        await starting.catch(() => undefined);
    }
    starting = (async () => {
        output?.info('Restarting the FlowZap language server');
        await stopClient();
        await startClient(context);
    })();
    try {
        await starting;
    } finally {
        starting = undefined;
    }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    output = vscode.window.createOutputChannel(CLIENT_NAME, { log: true });
    context.subscriptions.push(output);
    traceOutput = new TraceOutputChannel(output);
    context.subscriptions.push(traceOutput);

    previews = new PreviewManager(context, () => client, output);
    context.subscriptions.push(previews);

    context.subscriptions.push(
        vscode.commands.registerCommand('flowzap.openPreview', (uri?: vscode.Uri) => previews?.open(uri, false)),
        vscode.commands.registerCommand('flowzap.openPreviewToSide', (uri?: vscode.Uri) => previews?.open(uri, true)),
        vscode.commands.registerCommand('flowzap.exportSvg', (uri?: vscode.Uri) => previews?.exportSvg(uri)),
        vscode.commands.registerCommand('flowzap.exportPng', (uri?: vscode.Uri) => previews?.exportPng(uri)),
        vscode.commands.registerCommand('flowzap.restartServer', () => restart(context)),
        vscode.commands.registerCommand('flowzap.showOutput', () => output?.show(true)),
        vscode.window.registerWebviewPanelSerializer(PreviewManager.viewType, previews),
        vscode.workspace.onDidChangeConfiguration((e) => {
            if (LAUNCH_SETTING_KEYS.some((key) => e.affectsConfiguration(key))) {
                void restart(context);
            } else if (e.affectsConfiguration('flowzap.preview.theme') || e.affectsConfiguration('flowzap.preview.sequenceOrder')) {
                previews?.refreshAll();
            }
        }),
        vscode.workspace.onDidGrantWorkspaceTrust(() => void restart(context)),
    );

    // Start in the background: activation (and the commands above) must not wait for
    // Python to be probed.
    starting = startClient(context).finally(() => {
        starting = undefined;
    });
}

/** Resolves when the current start or restart has finished (used by tests). */
export function whenStarted(): Promise<void> {
    return starting ?? Promise.resolve();
}

export async function deactivate(): Promise<void> {
    await stopClient();
}
