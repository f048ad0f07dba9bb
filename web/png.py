"""PNG bytes of an SVG picture (the vuosikello), rasterised by resvg with the system fonts.

Kept out of `calendars/`: resvg reads the host's fonts, so the same SVG can give different
bytes on different machines, which the pure core must never do.
"""

from __future__ import annotations

import resvg_py


def svg_to_png(svg: str, *, width: int = 1440) -> bytes:
    """PNG bytes of `svg`, `width` pixels wide (height by the aspect ratio).

    resvg loads the system fonts itself (DejaVu Sans on the servers); without them the text
    would silently vanish, which the tests check.
    """
    if width <= 0:
        raise ValueError(f"width must be positive, not {width}")
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, skip_system_fonts=False))
