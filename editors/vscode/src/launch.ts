/**
 * How the FlowZap language server is started: which command, which arguments, which
 * environment, and whether the chosen Python is new enough.
 *
 * This module must not import `vscode`: the tests compile it on its own and run it under
 * plain Node (see scripts/build.mjs and test/launch.test.mjs). The extension gathers the
 * settings and passes them in.
 *
 * Order of precedence:
 *   1. `flowzap.server.command`  a full command line, used verbatim (no Python check);
 *   2. `flowzap.python.path`     a Python interpreter that runs the bundled server;
 *   3. the Python extension's active environment (when that extension is installed);
 *   4. `python3`, then `python` on PATH (`python`, then `py -3` on Windows).
 * Candidates 3 and 4 fall through to the next one when they are missing or too old; an
 * explicit setting (1 or 2) that does not work is reported, never silently replaced.
 */

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Oldest Python that fz-lsp supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 10];

/** Settings and facts the extension collects before starting the server. */
export interface LaunchInputs {
    /** Root folder of the installed extension (holds bundled/tool/server.py). */
    extensionPath: string;
    /** `flowzap.server.command`: a full command line; empty means "not set". */
    serverCommand?: readonly string[];
    /** `flowzap.python.path`; empty means "not set". */
    pythonPath?: string;
    /** Interpreter of the Python extension's active environment, when available. */
    pythonExtensionPath?: string;
    /** Environment of the extension host; the server inherits it. Defaults to process.env. */
    env?: NodeJS.ProcessEnv;
    /** Defaults to process.platform. */
    platform?: NodeJS.Platform;
    /** First workspace folder, for `${workspaceFolder}` and as the server's cwd. */
    workspaceFolder?: string;
    /** Seconds to wait for `python --version`-style probing. Defaults to 15. */
    probeTimeoutMs?: number;
}

export type LaunchSource = 'server.command' | 'python.path' | 'python-extension' | 'path';

/** What to spawn. The extension passes these fields unchanged to vscode-languageclient. */
export interface LaunchPlan {
    command: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    cwd?: string;
    source: LaunchSource;
    /** True when the server runs from bundled/tool/server.py and bundled/libs. */
    bundled: boolean;
    /** The Python that runs the bundled server, with its version (absent for server.command). */
    python?: { command: string[]; version: string; executable: string };
    /** Human-readable notes about candidates that were skipped, for the output channel. */
    notes: string[];
}

export type LaunchErrorKind =
    | 'python-not-found'
    | 'python-too-old'
    | 'python-failed'
    | 'command-not-found'
    | 'bundle-missing';

/** A problem the user can fix; the extension shows `message` once with an "Open Settings" button. */
export interface LaunchError {
    kind: LaunchErrorKind;
    message: string;
    /** The setting that fixes it. */
    setting: 'flowzap.python.path' | 'flowzap.server.command';
    /** The interpreter or command that was rejected, if any. */
    candidate?: string;
    /** Its version, when it ran. */
    version?: string;
    /** Every command that was tried, in order. */
    tried: string[];
    notes: string[];
}

export type LaunchResult = { ok: true; plan: LaunchPlan } | { ok: false; error: LaunchError };

/** Result of running a Python candidate with a tiny version script. */
export type ProbeResult =
    | { status: 'ok'; version: string; major: number; minor: number; micro: number; executable: string }
    | { status: 'not-found'; detail: string }
    | { status: 'failed'; detail: string };

const PROBE_SCRIPT =
    'import sys; print("%d.%d.%d" % tuple(sys.version_info[:3])); print(sys.executable)';

/** Paths of the bundled server inside the extension folder. */
export function bundledPaths(extensionPath: string): { script: string; libs: string } {
    return {
        script: path.join(extensionPath, 'bundled', 'tool', 'server.py'),
        libs: path.join(extensionPath, 'bundled', 'libs'),
    };
}

/** Expand `~`, `${userHome}`, `${workspaceFolder}` and `${env:NAME}` in a setting value. */
export function expandVariables(value: string, inputs: Pick<LaunchInputs, 'env' | 'workspaceFolder'>): string {
    const env = inputs.env ?? process.env;
    const home = os.homedir();
    let out = value.replace(/\$\{(userHome|workspaceFolder|env:([A-Za-z_][A-Za-z0-9_]*))\}/g, (whole, name: string, envName?: string) => {
        if (name === 'userHome') {
            return home;
        }
        if (name === 'workspaceFolder') {
            return inputs.workspaceFolder ?? whole;
        }
        return (envName && env[envName]) || '';
    });
    if (out === '~') {
        out = home;
    } else if (out.startsWith('~/') || out.startsWith('~\\')) {
        out = path.join(home, out.slice(2));
    }
    return out;
}

/** Compare a probed version with MIN_PYTHON. */
export function isSupportedVersion(major: number, minor: number): boolean {
    return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/** Parse the two lines PROBE_SCRIPT prints. */
export function parseProbeOutput(stdout: string): { version: string; major: number; minor: number; micro: number; executable: string } | undefined {
    const lines = stdout.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(lines[0] ?? '');
    if (!m) {
        return undefined;
    }
    return {
        version: lines[0],
        major: Number(m[1]),
        minor: Number(m[2]),
        micro: Number(m[3]),
        executable: lines[1] ?? '',
    };
}

/** Run `python -c PROBE_SCRIPT`; never throws. */
export function probePython(command: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 15000): Promise<ProbeResult> {
    return new Promise((resolve) => {
        const [exe, ...pre] = command;
        let child;
        try {
            child = execFile(
                exe,
                [...pre, '-c', PROBE_SCRIPT],
                { env, timeout: timeoutMs, windowsHide: true, encoding: 'utf8' },
                (err, stdout, stderr) => {
                    if (err) {
                        const code = (err as NodeJS.ErrnoException).code;
                        if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') {
                            resolve({ status: 'not-found', detail: `${exe}: ${code}` });
                            return;
                        }
                        const tail = String(stderr || err.message).trim().split(/\r?\n/).slice(-3).join(' | ');
                        resolve({ status: 'failed', detail: tail || String(err) });
                        return;
                    }
                    const parsed = parseProbeOutput(String(stdout));
                    if (!parsed) {
                        resolve({ status: 'failed', detail: `unexpected output: ${JSON.stringify(String(stdout).slice(0, 200))}` });
                        return;
                    }
                    resolve({ status: 'ok', ...parsed });
                },
            );
        } catch (err) {
            resolve({ status: 'not-found', detail: String(err) });
            return;
        }
        child.on('error', () => {
            /* reported through the callback */
        });
    });
}

/** Find an executable the way spawn would (PATH, and PATHEXT on Windows). */
export function findExecutable(command: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
    const isWin = platform === 'win32';
    const exts = isWin ? (env.PATHEXT ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
    const canRun = (file: string): boolean => {
        try {
            const st = fs.statSync(file);
            if (!st.isFile()) {
                return false;
            }
            if (!isWin) {
                fs.accessSync(file, fs.constants.X_OK);
            }
            return true;
        } catch {
            return false;
        }
    };
    const withExts = (base: string): string | undefined => {
        if (canRun(base)) {
            return base;
        }
        for (const ext of exts) {
            if (ext && canRun(base + ext)) {
                return base + ext;
            }
        }
        return undefined;
    };
    if (command.includes('/') || (isWin && command.includes('\\'))) {
        return withExts(command);
    }
    const pathVar = env.PATH ?? env.Path ?? '';
    for (const dir of pathVar.split(isWin ? ';' : ':')) {
        if (!dir) {
            continue;
        }
        const found = withExts(path.join(dir, command));
        if (found) {
            return found;
        }
    }
    return undefined;
}

/** Environment for the server process: the host's environment plus a few Python switches. */
export function serverEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return {
        ...base,
        PYTHONUNBUFFERED: '1',
        PYTHONIOENCODING: 'utf-8',
        // The bundled libraries must win over anything in the user's site-packages.
        PYTHONNOUSERSITE: '1',
    };
}

/** Python candidates on PATH, in order, for this platform. */
export function pathCandidates(platform: NodeJS.Platform): string[][] {
    return platform === 'win32' ? [['python'], ['py', '-3']] : [['python3'], ['python']];
}

function minVersion(): string {
    return `${MIN_PYTHON[0]}.${MIN_PYTHON[1]}`;
}

/**
 * Decide how to start the server. Probes Python candidates (spawning them) but never
 * throws: problems come back as a LaunchError with a message meant for the user.
 */
export async function resolveLaunch(inputs: LaunchInputs): Promise<LaunchResult> {
    const env = inputs.env ?? process.env;
    const platform = inputs.platform ?? process.platform;
    const timeout = inputs.probeTimeoutMs ?? 15000;
    const notes: string[] = [];
    const tried: string[] = [];
    const cwd = inputs.workspaceFolder;

    // 1. A full command line wins and is used as given.
    const rawCommand = (inputs.serverCommand ?? []).filter((s) => typeof s === 'string' && s.length > 0);
    if (rawCommand.length > 0) {
        const [cmd, ...args] = rawCommand.map((s) => expandVariables(s, inputs));
        tried.push([cmd, ...args].join(' '));
        if (!findExecutable(cmd, env, platform)) {
            return {
                ok: false,
                error: {
                    kind: 'command-not-found',
                    message: `FlowZap: the language server command "${cmd}" from the setting "flowzap.server.command" was not found. Fix the setting, or clear it to use the server bundled with the extension.`,
                    setting: 'flowzap.server.command',
                    candidate: cmd,
                    tried,
                    notes,
                },
            };
        }
        return {
            ok: true,
            plan: { command: cmd, args, env: serverEnvForCommand(env), cwd, source: 'server.command', bundled: false, notes },
        };
    }

    const { script, libs } = bundledPaths(inputs.extensionPath);
    if (!fs.existsSync(script) || !fs.existsSync(path.join(libs, 'fz_lsp'))) {
        return {
            ok: false,
            error: {
                kind: 'bundle-missing',
                message: `FlowZap: the bundled language server is missing from ${path.join(inputs.extensionPath, 'bundled')}. Reinstall the extension, or set "flowzap.server.command" to a server you installed yourself (e.g. ["fz-lsp", "--stdio"]).`,
                setting: 'flowzap.server.command',
                tried,
                notes,
            },
        };
    }

    const candidates: { command: string[]; source: LaunchSource; explicit: boolean }[] = [];
    const pythonPath = (inputs.pythonPath ?? '').trim();
    if (pythonPath) {
        candidates.push({ command: [expandVariables(pythonPath, inputs)], source: 'python.path', explicit: true });
    } else {
        if (inputs.pythonExtensionPath) {
            candidates.push({ command: [inputs.pythonExtensionPath], source: 'python-extension', explicit: false });
        }
        for (const c of pathCandidates(platform)) {
            candidates.push({ command: c, source: 'path', explicit: false });
        }
    }

    let tooOld: { command: string[]; version: string } | undefined;
    let failed: { command: string[]; detail: string } | undefined;
    for (const cand of candidates) {
        const shown = cand.command.join(' ');
        tried.push(shown);
        const probe = await probePython(cand.command, env, timeout);
        if (probe.status === 'ok') {
            if (isSupportedVersion(probe.major, probe.minor)) {
                return {
                    ok: true,
                    plan: {
                        command: cand.command[0],
                        args: [...cand.command.slice(1), script],
                        env: serverEnv(env),
                        cwd,
                        source: cand.source,
                        bundled: true,
                        python: { command: cand.command, version: probe.version, executable: probe.executable },
                        notes,
                    },
                };
            }
            notes.push(`${shown} is Python ${probe.version}; fz-lsp needs ${minVersion()} or newer`);
            tooOld = tooOld ?? { command: cand.command, version: probe.version };
            if (cand.explicit) {
                break;
            }
        } else if (probe.status === 'not-found') {
            notes.push(`${shown}: not found`);
            if (cand.explicit) {
                return {
                    ok: false,
                    error: {
                        kind: 'python-not-found',
                        message: `FlowZap: the Python interpreter "${shown}" from the setting "flowzap.python.path" was not found. Point the setting at Python ${minVersion()} or newer, or clear it.`,
                        setting: 'flowzap.python.path',
                        candidate: shown,
                        tried,
                        notes,
                    },
                };
            }
        } else {
            notes.push(`${shown} failed: ${probe.detail}`);
            failed = failed ?? { command: cand.command, detail: probe.detail };
            if (cand.explicit) {
                break;
            }
        }
    }

    if (tooOld) {
        const shown = tooOld.command.join(' ');
        return {
            ok: false,
            error: {
                kind: 'python-too-old',
                message: `FlowZap needs Python ${minVersion()} or newer to run its language server, but "${shown}" is Python ${tooOld.version}. Set "flowzap.python.path" to a newer interpreter.`,
                setting: 'flowzap.python.path',
                candidate: shown,
                version: tooOld.version,
                tried,
                notes,
            },
        };
    }
    if (failed) {
        const shown = failed.command.join(' ');
        return {
            ok: false,
            error: {
                kind: 'python-failed',
                message: `FlowZap could not run the Python interpreter "${shown}" (${failed.detail}). Set "flowzap.python.path" to a working Python ${minVersion()} or newer.`,
                setting: 'flowzap.python.path',
                candidate: shown,
                tried,
                notes,
            },
        };
    }
    return {
        ok: false,
        error: {
            kind: 'python-not-found',
            message: `FlowZap needs Python ${minVersion()} or newer to run its language server, and none was found (tried ${tried.join(', ')}). Install Python, or set "flowzap.python.path".`,
            setting: 'flowzap.python.path',
            tried,
            notes,
        },
    };
}

/** For a user-supplied command we only add the unbuffered-output switches. */
function serverEnvForCommand(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    return { ...base, PYTHONUNBUFFERED: '1', PYTHONIOENCODING: 'utf-8' };
}

/** One line for the output channel describing a plan. */
export function describePlan(plan: LaunchPlan): string {
    const cmd = [plan.command, ...plan.args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
    const py = plan.python ? ` (Python ${plan.python.version} at ${plan.python.executable || plan.python.command.join(' ')})` : '';
    return `Starting FlowZap language server [${plan.source}]${py}: ${cmd}`;
}
