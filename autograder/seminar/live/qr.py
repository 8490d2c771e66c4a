"""QR codes for the projector page, made offline (segno) as inline SVG."""
from __future__ import annotations

from markupsafe import Markup


def qr_svg(url: str, *, scale: int = 6) -> Markup:
    """An inline <svg> of `url` as a QR code (error correction M: readable from the back of a room).
    Markup from segno, built from our own URL (scheme, host, port, group slug), never from user input."""
    import segno
    svg = segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff", omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" aria-label="QR code" ', 1))  # noqa: S704 - see above
