"""Markdown + $math$ -> rich renderables for the terminal.

Math becomes readable Unicode (textmath); Markdown structure becomes layout:
paragraphs wrap to the terminal width, lists get hanging indents, display math
is indented on its own lines, tables become rich tables. Meaning never rests
on colour alone (bold, underline and brackets carry it), so the output reads
the same under NO_COLOR, which rich honours by itself.
"""

from __future__ import annotations

from functools import lru_cache

from rich import box
from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text
from rich.theme import Theme

from ..markup import dialect
from . import textmath
from .textmath import BOLD_OFF, BOLD_ON, MARK_OFF, MARK_ON

THEME = Theme({
    "deck": "bold cyan",
    "label": "bold",
    "muted": "dim",
    "heading": "bold",
    "cloze": "bold underline yellow",
    "code": "bold",
    "key": "bold reverse",
    "again": "bold red",
    "hard": "bold yellow",
    "good": "bold green",
    "easy": "bold blue",
    "ok": "green",
    "warn": "yellow",
})
MATH_INDENT = 4
ASCII = False  # set by make_console on a terminal without Unicode: content is transliterated before layout


def _a(text: str) -> str:
    if not ASCII:
        return text
    from .charset import to_ascii

    return to_ascii(text)


def make_console(**kwargs) -> Console:
    """The quiz console: our theme, no guessing of highlights or emoji in content text; ASCII only on a
    terminal whose locale is not UTF-8 (charset.py); no control sequence from content ever printed
    (sanitize.py)."""
    global ASCII
    from .sanitize import SanitizeHook

    if "file" not in kwargs:
        from . import charset

        ASCII = charset.wanted()
        if ASCII:
            import sys

            kwargs["file"] = charset.AsciiStream(sys.stdout)  # the last line of defence: nothing else gets out
    console = Console(theme=THEME, highlight=False, emoji=False, markup=False, **kwargs)
    console.push_render_hook(SanitizeHook())
    return console


# the same Markdown dialect as the other outputs, so the terminal reads what Anki shows
_parser = lru_cache(maxsize=1)(dialect)


def markdown(text: str) -> RenderableType:
    """A whole Markdown field (question, answer, card side) as one renderable."""
    from markdown_it.tree import SyntaxTreeNode

    return Group(*_blocks(SyntaxTreeNode(_parser().parse(text)).children))


def inline(text: str, style: str = "") -> Text:
    """A short field (a key point, an extra line) as one wrapped Text; blocks are joined by line breaks."""
    from markdown_it.tree import SyntaxTreeNode

    out = Text(style=style)
    for k, block in enumerate(SyntaxTreeNode(_parser().parse(text)).children):
        if k:
            out.append("\n")
        if block.type in ("paragraph", "heading"):
            out.append_text(_inline(block.children[0]))
        elif block.type in ("math_block", "math_block_label"):
            out.append_text(_styled(textmath.to_marked(block.content)))
        else:
            out.append(_a(block.content.strip()) if block.content else "")
    return out


def _blocks(nodes) -> list[RenderableType]:
    out: list[RenderableType] = []
    for node in nodes:
        rendered = _block(node)
        if rendered is None:
            continue
        if out:
            out.append(Text(""))  # one blank line between blocks, as in the printed sheet
        out.append(rendered)
    return out


def _block(node) -> RenderableType | None:
    kind = node.type
    if kind == "paragraph":
        return _paragraph(node.children[0])
    if kind == "heading":
        return _inline(node.children[0], "heading")
    if kind in ("math_block", "math_block_label"):
        return MathBlock(textmath.to_marked(node.content))
    if kind in ("bullet_list", "ordered_list"):
        return _list(node)
    if kind in ("fence", "code_block"):
        return Padding(Text(_a(node.content.rstrip("\n")), style="code"), (0, 0, 0, MATH_INDENT))
    if kind == "blockquote":
        return Padding(Group(*_blocks(node.children)), (0, 0, 0, 2), style="italic")
    if kind == "hr":
        return Rule(style="muted")
    if kind == "table":
        return _table(node)
    return Text(_a(node.content or ""))


class MathBlock:
    """Display math: indented; a line too long for the terminal wraps with a deeper hanging indent,
    so a continuation never looks like the next line of an aligned derivation."""

    HANG = 2

    def __init__(self, marked: str):
        self.marked = _a(marked)

    def __rich_console__(self, console: Console, options):
        width = max(options.max_width - MATH_INDENT - self.HANG, 10)
        for line in self.marked.split("\n"):
            for k, part in enumerate(_styled(line).wrap(console, width)):
                yield Text(" " * (MATH_INDENT + (self.HANG if k else 0))) + part

    def __rich_measure__(self, console: Console, options):
        from rich.measure import Measurement

        widest = max((textmath.visible_width(line) for line in self.marked.split("\n")), default=0)
        return Measurement(min(10, widest) + MATH_INDENT, widest + MATH_INDENT)


def _list(node) -> RenderableType:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column()
    start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
    for k, item in enumerate(node.children):
        marker = f"{start + k}." if node.type == "ordered_list" else "•"
        blocks = item.children
        grid.add_row(marker, (_block(blocks[0]) if len(blocks) == 1 else Group(*_blocks(blocks))) or Text(""))
    return grid


def _table(node) -> RenderableType:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    head = [c for section in node.children if section.type == "thead" for row in section.children for c in row.children]
    for cell in head:
        table.add_column(_inline(cell.children[0]) if cell.children else Text(""), header_style="bold")
    for section in node.children:
        if section.type == "tbody":
            for row in section.children:
                table.add_row(*[_inline(c.children[0]) if c.children else Text("") for c in row.children])
    return table


def _paragraph(node) -> RenderableType:
    """A paragraph; ``$$…$$`` inside it (right after a line of text) and inline math that lays out on several
    lines (a matrix) leave the paragraph and stand on their own lines, as display math."""
    parts: list[RenderableType] = []
    text = Text()
    for child in node.children:
        marked = None
        if child.type == "math_inline_double":
            marked = textmath.to_marked(child.content)
        elif child.type == "math_inline":
            marked = textmath.to_marked(child.content)
            if "\n" not in marked:
                marked = None
        if marked is None:
            if not (child.type == "softbreak" and (not text.plain or not parts and not text.plain.strip())):
                _append_children(text, [child], "")
            continue
        if text.plain.strip():
            parts.append(_trimmed(text))
        parts.append(MathBlock(marked))
        text = Text()
    if text.plain.strip():
        parts.append(_trimmed(text))
    if len(parts) == 1 and isinstance(parts[0], Text):
        return parts[0]
    return Group(*parts)


def _trimmed(text: Text) -> Text:
    text.rstrip()
    lead = len(text.plain) - len(text.plain.lstrip())
    return text.divide([lead])[-1] if lead else text


def _inline(node, style: str = "") -> Text:
    text = Text(style=style)
    _append_children(text, node.children, "")
    return text


def _append_children(text: Text, children, style: str) -> None:
    for child in children:
        kind = child.type
        if kind == "text":
            _append_marked(text, child.content, style)
        elif kind == "softbreak":
            text.append(" ")
        elif kind == "hardbreak":
            text.append("\n")
        elif kind == "strong":
            _append_children(text, child.children, f"{style} bold".strip())
        elif kind == "em":
            _append_children(text, child.children, f"{style} italic".strip())
        elif kind == "code_inline":
            _append_marked(text, child.content, f"{style} code".strip())
        elif kind in ("math_inline", "math_inline_double"):
            _append_marked(text, textmath.to_marked(child.content), style)
        elif kind == "image":  # a terminal cannot show it; --open-figures opens an item's figure
            from .screens import T  # the course's language (screens imports this module, so not at the top)

            text.append(T.format("quiz_inline_figure", alt=_plain(child) or child.attrs.get("src", "")), style="muted")
        elif kind == "link":
            _append_children(text, child.children, f"{style} underline".strip())
            href = child.attrs.get("href", "")
            if href and href != _plain(child):
                text.append(f" ({href})", style="muted")
        else:
            _append_marked(text, child.content or "", style)


def _plain(node) -> str:
    return "".join(c.content for c in node.children if c.type == "text")


def _append_marked(text: Text, content: str, style: str) -> None:
    """Append text, turning BOLD_ON/OFF and MARK_ON/OFF (cloze highlight) into styles."""
    bold = mark = False
    buffer: list[str] = []
    content = _a(content)

    def flush() -> None:
        if buffer:
            parts = [style, "bold" if bold else "", "cloze" if mark else ""]
            text.append("".join(buffer), style=" ".join(p for p in parts if p))
            buffer.clear()

    for ch in content:
        if ch in (BOLD_ON, BOLD_OFF, MARK_ON, MARK_OFF):
            flush()
            bold = ch == BOLD_ON if ch in (BOLD_ON, BOLD_OFF) else bold
            mark = ch == MARK_ON if ch in (MARK_ON, MARK_OFF) else mark
        else:
            buffer.append(ch)
    flush()


def _styled(content: str) -> Text:
    text = Text()
    _append_marked(text, content, "")
    return text
