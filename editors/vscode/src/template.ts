/**
 * Fills in the webview page template (media/preview.html). No `vscode` import, so the
 * tests can build exactly the page the extension shows and load it in headless Chromium.
 */

import { randomBytes } from 'node:crypto';

export interface TemplateValues {
    /** Random per-render nonce; the only key that lets a script run. */
    nonce: string;
    /** `webview.cspSource`: the origin the extension's local resources are served from. */
    cspSource: string;
    /** `webview.asWebviewUri(media/preview.js)` as a string. */
    scriptUri: string;
    /** `webview.asWebviewUri(media/zoom.js)` (pan and zoom, run before preview.js) as a string. */
    zoomScriptUri: string;
    /** `webview.asWebviewUri(media/preview.css)` as a string. */
    styleUri: string;
}

/** 128 bits of randomness, base64 without padding (valid in a CSP nonce source). */
export function makeNonce(): string {
    return randomBytes(16).toString('base64').replace(/=+$/, '');
}

function escapeAttr(value: string): string {
    return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Replace every `{{name}}` placeholder. Unknown placeholders are an error, so a typo in
 * the page cannot silently weaken the Content-Security-Policy.
 */
export function renderTemplate(template: string, values: TemplateValues): string {
    if (!/^[A-Za-z0-9+/_-]{16,}$/.test(values.nonce)) {
        throw new Error('renderTemplate: the nonce must be at least 16 base64 characters');
    }
    const table: Record<string, string> = {
        nonce: values.nonce,
        cspSource: values.cspSource,
        scriptUri: values.scriptUri,
        zoomScriptUri: values.zoomScriptUri,
        styleUri: values.styleUri,
    };
    return template.replace(/\{\{\s*([A-Za-z]+)\s*\}\}/g, (_whole, name: string) => {
        if (!(name in table)) {
            throw new Error(`renderTemplate: unknown placeholder {{${name}}}`);
        }
        return escapeAttr(table[name]);
    });
}
