"""Open in FlowZap: the URL of FlowZap's web playground showing a document's text.

FlowZap's README documents the playground link: `https://flowzap.xyz/playground?code=`
followed by the base64url encoding of the UTF-8 text. The text goes in exactly as the
editor holds it (unsaved changes, CRLF, CJK and emoji included): `decode_share_url` gives it
back byte for byte. Building the URL sends nothing anywhere; only the user opening it does.

Pure Python: no pygls import.
"""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

PLAYGROUND = "https://flowzap.xyz/playground"


def share_url(text: str) -> str:
    """The playground URL for `text` (base64url without padding: `=` would need escaping)."""
    code = base64.urlsafe_b64encode(text.encode("utf-8", "surrogatepass")).decode("ascii").rstrip("=")
    return f"{PLAYGROUND}?code={code}"


def decode_share_url(url: str) -> str:
    """The text a playground URL carries (the inverse of `share_url`)."""
    values = parse_qs(urlsplit(url).query, keep_blank_values=True).get("code")
    if not values:
        raise ValueError("not a FlowZap playground URL: no `code` parameter")
    code = values[0]
    padded = code + "=" * (-len(code) % 4)
    return base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8", "surrogatepass")
