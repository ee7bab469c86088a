"""How wide a figure is shown on a phone, so that its smallest text stays legible.

Built-in figures and diagrams are drawn with their smallest label at ``sizes.SMALL``
points and mathtext sub- and superscripts at 0.7 of that (matplotlib's shrink
factor). Squeezed into a 330 px phone column their labels would be 7 px; on narrow
screens the card's CSS shows each figure at the width this module computes (labels
10 px, scripts 8 px) and lets it scroll inside its panel.
"""

from __future__ import annotations

import re

from ..diagrams.sizes import SMALL  # not style: that imports matplotlib

MIN_LABEL_PX, MIN_SCRIPT_PX = 10.0, 8.0
SCRIPT_SHRINK = 0.7  # matplotlib mathtext: a script is 0.7 of its base size
_PX_PER_PT = 4 / 3
_WIDTH = re.compile(rb'<svg\b[^>]*?\swidth="([0-9.]+)pt"')


def phone_width_px(svg: bytes) -> int | None:
    """The CSS width at which a built-in figure's labels read on a phone; None if the SVG gives no width."""
    match = _WIDTH.search(svg[:2000])
    if match is None:
        return None
    natural = float(match.group(1)) * _PX_PER_PT  # the SVG's own size, where SMALL pt text is SMALL * 4/3 px
    scale = max(MIN_LABEL_PX / (SMALL * _PX_PER_PT), MIN_SCRIPT_PX / (SCRIPT_SHRINK * SMALL * _PX_PER_PT))
    return int(natural * scale + 0.999)
