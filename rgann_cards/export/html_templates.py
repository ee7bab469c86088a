"""The pages' Jinja templates: one environment (autoescape on), and the parts that several pages print alike
for an exercise (``{% once "_answer.html" %}``), rendered once for all of them."""

from __future__ import annotations

import re
from contextlib import contextmanager
from functools import lru_cache

from markupsafe import Markup

from ..i18n import Messages
from ..paths import template_text, templates_dir

# Within parts_once(): (environment, part, variable, its value, messages), by identity but the names -> the
# part's HTML. An entry holds the objects it names, so no other object can take their ids while it lives.
_parts: dict | None = None


@contextmanager
def parts_once():
    """Render each ``{% once %}`` part once per exercise view for every page rendered in the block."""
    global _parts
    outer, _parts = _parts, {}
    try:
        yield
    finally:
        _parts = outer


def _part(env, name: str, var: str, value, t: Messages) -> Markup:
    """A part rendered from ``value`` (as ``var``) and ``t`` alone, so it is the same wherever it is printed:
    the study sheet and the answer key show the same views, and the key renders none of its own (10 ms at 10k
    notes); a reference is printed the same for every exercise that cites it (5 ms there)."""
    if _parts is None:
        return _render_part(env, name, var, value, t)
    key = (id(env), name, var, id(value), id(t))
    entry = _parts.get(key)
    if entry is None:
        entry = _parts[key] = (env, value, t, _render_part(env, name, var, value, t))
    return entry[3]


def _render_part(env, name: str, var: str, value, t: Messages) -> Markup:
    template = env.get_template(name)
    # The variables handed over as they are (shared), the environment's globals with them: Template.render
    # would merge them anew from a ChainMap, half the time of a small part (3 of 7 µs for _answer_start).
    context = template.new_context({**env.globals, var: value, "t": t}, shared=True)
    return Markup(env.concat(template.root_render_func(context)))


def _once_extension():
    from jinja2 import nodes
    from jinja2.ext import Extension

    class Once(Extension):
        """``{% once "name" %}``: like ``{% include %}`` (whitespace too), but given only ``ex`` and ``t``;
        ``{% once "name" for ref %}`` gives it ``ref`` (and ``t``) instead."""

        tags = {"once"}

        def parse(self, parser):
            lineno = next(parser.stream).lineno
            name = parser.parse_expression()
            var = parser.stream.expect("name").value if parser.stream.skip_if("name:for") else "ex"
            # a filter, not a method of the extension: Jinja calls a filter directly, a method through
            # context.call (1 µs more a call, 4,000 calls at 10k notes)
            part = nodes.Filter(nodes.Name(var, "load"), "once_part", [name, nodes.Const(var),
                                nodes.Name("t", "load")], [], None, None, lineno=lineno)
            return nodes.Output([part], lineno=lineno)

    return Once


@lru_cache(maxsize=4)
def _environment(directory: str):
    """The one Jinja environment: autoescape on, so only Markup built above is emitted unescaped."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_environment

    # auto_reload off: the templates are package data, and checking them costs a stat per {% include %}
    env = Environment(loader=FileSystemLoader(directory), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, auto_reload=False,
                      extensions=[_once_extension()])
    env.filters["css_string"] = _css_string
    env.filters["once_part"] = pass_environment(lambda env, value, name, var, t: _part(env, name, var, value, t))
    return env


def _css_string(value: str) -> Markup:
    """A CSS string literal; inside <style> HTML escaping does not apply, so escape for CSS."""
    return Markup('"' + re.sub(r'[\\"\n<>&]', lambda m: f"\\{ord(m.group()):x} ", value) + '"')


def render(name: str, t: Messages, **context) -> bytes:
    """One page; its ``{% once %}`` parts are rendered once for it, if not for several pages already."""
    if _parts is None:
        with parts_once():
            return render(name, t, **context)
    directory = templates_dir() / "html"
    css = Markup(template_text("html", "print.css"))  # data we ship; not content
    html = _environment(str(directory)).get_template(name).render(css=css, t=t, **context)
    return html.encode("utf-8")
