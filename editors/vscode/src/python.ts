import * as vscode from 'vscode';

/**
 * The interpreter of the Python extension's active environment, if that extension is
 * installed. Optional: any failure (not installed, older API, slow activation) gives
 * `undefined` and the launcher falls back to python3/python on PATH.
 */

interface EnvironmentPath {
    readonly id: string;
    readonly path: string;
}

interface ResolvedEnvironment {
    readonly executable: { readonly uri: vscode.Uri | undefined };
}

interface EnvironmentsApi {
    getActiveEnvironmentPath(resource?: vscode.Uri): EnvironmentPath;
    resolveEnvironment(env: EnvironmentPath | string): Promise<ResolvedEnvironment | undefined>;
}

interface PythonExtensionApi {
    /** Current API name. */
    environments?: EnvironmentsApi;
    /** Older name of the same API. */
    environment?: EnvironmentsApi;
}

const PYTHON_EXTENSION_ID = 'ms-python.python';
const ACTIVATION_TIMEOUT_MS = 5000;

function withTimeout<T>(promise: Thenable<T>, ms: number): Promise<T | undefined> {
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => resolve(undefined), ms);
        Promise.resolve(promise).then(
            (v) => {
                clearTimeout(timer);
                resolve(v);
            },
            (e) => {
                clearTimeout(timer);
                reject(e);
            },
        );
    });
}

export async function getPythonExtensionInterpreter(
    resource: vscode.Uri | undefined,
    log?: vscode.LogOutputChannel,
): Promise<string | undefined> {
    try {
        const extension = vscode.extensions.getExtension<PythonExtensionApi>(PYTHON_EXTENSION_ID);
        if (!extension) {
            return undefined;
        }
        const api = extension.isActive ? extension.exports : await withTimeout(extension.activate(), ACTIVATION_TIMEOUT_MS);
        const environments = api?.environments ?? api?.environment;
        if (!environments) {
            return undefined;
        }
        const active = environments.getActiveEnvironmentPath(resource);
        const resolved = await withTimeout(environments.resolveEnvironment(active), ACTIVATION_TIMEOUT_MS);
        const exe = resolved?.executable.uri?.fsPath;
        if (exe) {
            log?.info(`Python extension's active environment: ${exe}`);
        }
        return exe;
    } catch (err) {
        log?.warn(`Could not ask the Python extension for its interpreter: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
    }
}
