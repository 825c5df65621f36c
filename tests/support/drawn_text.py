"""What a drawing must show as text: the texts a node's box carries (`expected_node_texts`)
and text compared without its white space (`squash`: wrapping moves line breaks), for the
workflow and sequence views' checks."""

from __future__ import annotations

from fz_lsp.model import Node


def squash(text: str) -> str:
    return "".join(text.split())


def expected_node_texts(node: Node) -> list[str]:
    if node.shape == "taskbox":
        fields = [node.label, node.attribute("description"), node.attribute("owner"), node.attribute("system")]
        present = [f for f in fields if f and f.strip()]
        if present:
            return present
    return [node.display_text] if node.display_text.strip() else []
