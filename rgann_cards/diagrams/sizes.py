"""Type sizes of every figure, in points; free of matplotlib so the Anki export can size figures without it."""

FONT_SIZE = 12.0
SMALL = 10.5  # the smallest text in any figure
