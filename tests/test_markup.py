"""Markdown + math -> HTML for Anki: math untouched, HTML never executed, clozes safe inside math."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rgann_cards.markup import problems, render, split_clozes


def test_markdown_never_touches_math():
    assert render("$a_1 * b_2 * c_3$ and *x*") == r"\(a_1 * b_2 * c_3\) and <em>x</em>"
    assert render(r"$\sum_{i}^{n} x_i * y_i$") == r"\(\sum_{i}^{n} x_i * y_i\)"


def test_display_math_uses_anki_delimiters():
    assert render("$$\nE = mc^2\n$$") == '<div class="math-display">\\[E = mc^2\\]</div>\n'


def test_lt_and_amp_inside_math_are_escaped_once():
    assert render("$a < b & c > d$") == r"\(a &lt; b &amp; c &gt; d\)"
    assert render(r"$$\begin{aligned} a &= b \\ c &< d \end{aligned}$$").count("&amp;") == 2


def test_raw_html_is_shown_as_text_never_executed():
    html = render('<script>alert(1)</script> <img src=x onerror="alert(2)">')
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_markdown_images_and_javascript_links_are_not_emitted():
    assert "<img" not in render("![x](https://example.org/x.png)")
    assert 'href="javascript' not in render("[x](javascript:alert(1))")


def test_code_spans_keep_dollars():
    assert render("`$x$`") == "<code>$x$</code>"
    assert problems("`$x$` costs \\$5") == []


def test_cloze_inside_math_keeps_braces_apart():
    out = render(r"$KL(P\|Q) = {{c1::\sum_x P(x)\log\frac{P(x)}{Q(x)}}}$", cloze=True)
    assert out == r"\(KL(P\|Q) = {{c1::\sum_x P(x)\log\frac{P(x)}{Q(x)} }}\)"


def test_nested_double_braces_in_cloze_are_spaced():
    out = render(r"$x = {{c1::a_{b_{c}}}}$", cloze=True)
    assert out == r"\(x = {{c1::a_{b_{c} } }}\)"


def test_cloze_with_hint_and_markdown_outside_math():
    out = render("The {{c1::**forget** gate::which gate?}} and {{c2::$y^{2}$}}", cloze=True)
    assert out == r"The {{c1::<strong>forget</strong> gate::which gate?}} and {{c2::\(y^{2}\)}}"


def test_cloze_with_lt_inside_math():
    assert render("${{c1::a < b}}$", cloze=True) == r"\({{c1::a &lt; b}}\)"


def test_problems_are_reported():
    assert problems("price $5 and $x") == [
        "unclosed math: stray '$' in 'price $5 and $x' (write \\$ for a dollar sign)"]
    assert problems(r"$\frac{a}{b$") == [r"unbalanced braces in math '$\frac{a}{b$'"]
    assert problems("{{c1::x}}") == ["cloze deletion '{{c1::...}}' outside a 'cloze' field"]
    assert problems("{{c1::x", cloze=True) == ["unterminated cloze '{{c1::x...': missing '}}'"]


latex_atoms = st.sampled_from([r"\frac{a}{b}", "x_1", "y^{2}", r"\sum_{i}", "*", "_", "<", "&", r"\alpha", "{z}"])


@settings(max_examples=200, deadline=None)
@given(st.lists(latex_atoms, min_size=1, max_size=8))
def test_math_content_survives_any_mix(atoms):
    latex = " ".join(atoms)
    out = render(f"${latex}$")
    unescaped = out.replace("&lt;", "<").replace("&amp;", "&")
    assert unescaped == f"\\({latex}\\)"


@settings(max_examples=200, deadline=None)
@given(st.lists(latex_atoms, min_size=1, max_size=6))
def test_cloze_content_round_trips(atoms):
    latex = " ".join(atoms)
    body, clozes = split_clozes(f"${{{{c1::{latex}}}}}$")
    assert len(clozes) == 1 and clozes[0].content == latex
    out = render(f"${{{{c1::{latex}}}}}$", cloze=True)
    # Anki ends a deletion at the first '}}': it must be ours
    inner = out[out.index("{{c1::") + 6:]
    assert inner.index("}}") == len(inner) - len("}}\\)")
    assert re.sub(r"\} (?=\})", "}", inner[:-4]).rstrip().replace("&lt;", "<").replace("&amp;", "&") == latex


plain_alphabet = st.sampled_from(list("ab Z09$,.?;:()'/-\\_*`\n{}<&é") + ["\ue0000\ue001", "  ", "$$", "\u00a0",
                                                                            "**", " *", "* ", "ab*", "*ab", "**a"])


@settings(max_examples=3000, deadline=None)
@given(st.lists(plain_alphabet, max_size=14).map("".join))
def test_the_plain_line_shortcut_reads_exactly_as_markdown_it(text):
    from rgann_cards.markup import markdown, plain

    pieces = plain.split(text)
    if pieces is None:
        return
    md = markdown._parser(markdown.anki_math)
    tokens = md.parse(text)
    children = [c for t in tokens for c in (t.children or [])]
    assert [c.content for c in children if c.type.startswith("math")] == pieces[1::2]
    assert {c.type for c in children} <= {"text", "math_inline", "em_open", "em_close", "strong_open", "strong_close"}
    assert "".join(p if i % 2 == 0 else markdown.anki_math(p, False) for i, p in enumerate(pieces)) == \
        markdown._strip_single_paragraph(md.render(text))


def test_the_plain_line_shortcut_takes_the_common_sentences():
    from rgann_cards.markup import plain

    assert plain.split("What is $x_{1}$ for $n = 2$?\n") == ["What is ", "x_{1}", " for ", "n = 2", "?"]
    assert plain.split("It is $x$, as in **lecture 3**.") == ["It is ", "x", ", as in <strong>lecture 3</strong>."]
    assert plain.split("*so* it is $y$*z*") == ["<em>so</em> it is ", "y", "<em>z</em>"]
    assert plain.split("a *b*") == ["a <em>b</em>"]  # simple emphasis is taken too (and held to markdown-it above)
    for markdown_text in ("a\nb", "1. a", "$a$$b$", "a $ b$", "a $b $", "2$a$", "$a$3", r"a \$b$", "a  ",
                          "$a$a0", "a**b**", "**a*", "*a**", "***a***", "*a *", "* a*", "*a*b", "**a $x$ b**"):
        assert plain.split(markdown_text) is None, markdown_text


tex_line = st.lists(st.sampled_from(list("x1 $\\{}-=|#>*`<&") + ["\\frac{a}{b}", "---", "    ", "\t", "(1)", "$$"]),
                    max_size=6).map("".join)
plain_block = st.one_of(st.lists(plain_alphabet, max_size=8).map("".join), tex_line.map("$$\n{}\n$$".format),
                        st.just("What is $x_{1}$ for *it*?"), st.just("$$\n\\int_0^1 f(x)\\,dx\n$$"))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.tuples(plain_block, st.sampled_from(["\n\n", "\n\n", "\n", "\n\n\n", " \n\n"])), max_size=4),
       st.sampled_from(["", "\n"]))
def test_the_plain_blocks_shortcut_reads_exactly_as_markdown_it(blocks, end):
    from rgann_cards.markup import markdown, plain

    text = "".join(block + gap for block, gap in blocks)[: -len(blocks[-1][1]) if blocks else None] + end
    found = plain.blocks(text)
    if found is None:
        return
    pieces, displays = found
    md = markdown._parser(markdown.anki_math)
    tokens = md.parse(text)
    assert {t.type for t in tokens} <= {"paragraph_open", "paragraph_close", "inline", "math_block"}
    children = [c for t in tokens for c in (t.children or [])]
    assert {c.type for c in children} <= {"text", "math_inline", "em_open", "em_close", "strong_open", "strong_close"}
    assert [(t.content, t.type == "math_block") for t in tokens for t in (t.children or [t])
            if t.type.startswith("math")] == list(zip(pieces[1::2], displays))

    def mark(latex, display):
        return f"[{display}:{latex}]"

    joined = "".join(p if i % 2 == 0 else mark(p, displays[i // 2]) for i, p in enumerate(pieces))
    assert markdown._strip_single_paragraph(joined) == \
        markdown._strip_single_paragraph(md.renderer.render(tokens, md.options, {"math": mark}))


def test_the_plain_blocks_shortcut_takes_paragraphs_and_display_formulas():
    from rgann_cards.markup import plain

    text = "It is $f(x)$,\n\n$$\n\\int_0^1 f(x)\\,dx = 1\n$$\n\nso *it is* convex.\n"
    assert plain.blocks(text) == (["<p>It is ", "f(x)", ',</p>\n<div class="math-display">',
                                   "\n\\int_0^1 f(x)\\,dx = 1\n", "</div>\n<p>so <em>it is</em> convex.</p>\n"],
                                  [False, True])
    for markdown_text in ("a\nb\n\nc", "a\n\n$$\nx $\n$$", "a\n\n$$ x $$", "a\n\n\nb", "a\n\n- b", "a $x$ 1",
                          "a\n\n$$\n \t\n$$"):
        assert plain.blocks(markdown_text) is None, markdown_text


def test_the_plain_line_shortcut_keeps_to_its_text_characters():
    """split checks ASCII text by a bytes table and other text by str.translate and isalnum: for every ASCII
    character and a few others, a text character is let through exactly when it is in _TEXT or alphanumeric."""
    from rgann_cards.markup import plain

    for ch in [chr(c) for c in range(128)] + ["é", "ß", "\xa0", "\u2003", "\u0663", "\ue000"]:
        if ch in "$\n\r\0*":  # formulas, lines and emphasis: held to markdown-it above
            continue
        assert (plain.split(f"Ab{ch}d $x$ e") is not None) == (ch in plain._TEXT or ch.isalnum()), repr(ch)


def test_split_clozes_agrees_with_a_scan_of_every_character():
    """split_clozes jumps from brace to brace (and backslash): on random texts full of deletions, braces,
    escapes and hints it gives what a scan of every character gives, the same errors included."""
    import random

    from rgann_cards.markup.cloze import Cloze, MarkupError, _CLOZE_START

    def hint(body):
        depth = 0
        for i, ch in enumerate(body):
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            elif depth == 0 and body.startswith("::", i):
                return body[:i], body[i + 2:]
        return body, None

    def scan(text):
        out, clozes, pos = [], [], 0
        while (match := _CLOZE_START.search(text, pos)) is not None:
            out.append(text[pos:match.start()])
            i, depth = match.end(), 0
            while True:
                if i >= len(text):
                    raise MarkupError(f"unterminated cloze '{text[match.start():match.start() + 30]}...': missing '}}}}'")
                ch = text[i]
                if ch == "\\":
                    i += 2
                    continue
                if ch == "{":
                    depth += 1
                elif ch == "}":
                    if depth == 0:
                        if text.startswith("}}", i):
                            break
                        raise MarkupError(f"unbalanced '}}' in cloze '{text[match.start():i + 1]}'")
                    depth -= 1
                i += 1
            content, cue = hint(text[match.end():i])
            if not content.strip():
                raise MarkupError(f"empty cloze deletion '{text[match.start():i + 2]}'")
            out.append(f"\ue000{len(clozes)}\ue001")
            clozes.append(Cloze(int(match.group(1)), content, cue))
            pos = i + 2
        out.append(text[pos:])
        return "".join(out), clozes

    def outcome(split, text):
        try:
            return split(text)
        except MarkupError as exc:
            return str(exc)

    rng = random.Random(14)
    pieces = ["{{c1::", "{{c2::", "}}", "}", "{", "\\", "\\{", "\\}", "::", ":", "a", " ", "$", "x_{1}"]
    kinds = set()
    for _ in range(6000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 14)))
        expected = outcome(scan, text)
        assert outcome(split_clozes, text) == expected, repr(text)
        kinds.add(expected.split()[0] if isinstance(expected, str) else bool(expected[1]))
    assert kinds == {True, False, "unterminated", "unbalanced", "empty"}  # every outcome came up


def test_brace_balance_agrees_with_a_scan_that_honours_escapes():
    """field_lint._braces_balance cancels brace pairs when no brace is escaped: on random strings of braces,
    backslashes and letters it says what a left-to-right depth scan (escapes eaten) says."""
    import random

    from rgann_cards.markup import field_lint

    def scan(latex: str) -> bool:
        depth = 0
        for _escaped, ch in re.findall(r"(\\.)|([{}])", latex):
            depth += (ch == "{") - (ch == "}")
            if depth < 0:
                return False
        return depth == 0

    rng = random.Random(5)
    balanced = 0
    for _ in range(5000):
        latex = "".join(rng.choice("{{}}\\ax\n") for _ in range(rng.randint(1, 10)))
        assert field_lint._braces_balance(latex) == scan(latex), repr(latex)
        balanced += scan(latex)
    assert 300 < balanced < 4700  # both answers came up often
