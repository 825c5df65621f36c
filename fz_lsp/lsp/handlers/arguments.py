"""The arguments of fz-lsp's commands (workspace/executeCommand): `{uri, view?, theme?,
sequenceOrder?}`, or a bare URI string; anything else is refused with InvalidParams, in the
user's language.

May import: fz_lsp.analysis.views, fz_lsp.lsp (the session's type), pygls (its errors).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pygls.exceptions import JsonRpcInvalidParams

from fz_lsp.analysis.views import SEQUENCE_ORDERS, THEMES, VIEWS

if TYPE_CHECKING:
    from fz_lsp.analysis.document import Document
    from fz_lsp.lsp.session import FlowZapServer


def document_argument(ls: FlowZapServer, options: Any) -> Document:
    """The open document named by `{uri}` (or a bare URI string)."""
    if isinstance(options, str):
        options = {"uri": options}
    if not isinstance(options, dict) or not isinstance(options.get("uri"), str):
        raise JsonRpcInvalidParams("fz-lsp: " + ls.tr._("expected arguments {arguments}", arguments='[{"uri": "..."}]'))
    return ls.document(options["uri"])


def preview_arguments(ls: FlowZapServer, options: Any) -> tuple[Document, str, str]:
    """(document, view, theme) from `{uri, view?, theme?, sequenceOrder?}` (or a bare URI
    string); the theme defaults to flowzap.preview.theme, and an unknown one is the light
    theme; see `sequence_order` for the last."""
    if isinstance(options, str):
        options = {"uri": options}
    if not isinstance(options, dict) or not isinstance(options.get("uri"), str):
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._(
                "expected arguments {arguments}",
                arguments='[{"uri": "...", "view": ' + "|".join(f'"{v}"' for v in VIEWS) + "}]",
            )
        )
    view = options.get("view") or "workflow"
    if view not in VIEWS:
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._("unknown view {view} (expected {choices})", view=repr(view), choices=ls.tr.or_list(VIEWS))
        )
    theme = options.get("theme") or ls.settings.preview_theme
    if theme not in THEMES:
        theme = "light"
    return ls.document(options["uri"]), view, theme


def sequence_order(ls: FlowZapServer, options: Any) -> str:
    """The sequence view's order: `sequenceOrder` of the arguments (a client that reads the
    setting itself, as VS Code does, so a change of it applies at once), else the setting."""
    order = options.get("sequenceOrder") if isinstance(options, dict) else None
    order = order or ls.settings.preview_sequence_order
    if order not in SEQUENCE_ORDERS:
        raise JsonRpcInvalidParams(
            "fz-lsp: "
            + ls.tr._(
                "unknown sequence order {order} (expected {choices})",
                order=repr(order),
                choices=ls.tr.or_list(SEQUENCE_ORDERS),
            )
        )
    return order
