"""The symbol tables of textmath: LaTeX command -> Unicode, and the Unicode script and math alphabets."""

from __future__ import annotations

HARD = "\u00a0"  # a space that survives collapsing runs of spaces (\quad)

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π", "varpi": "ϖ",
    "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ",
    "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
    "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

# Letter-like symbols: no spacing of their own, like a variable.
SYMBOLS = {
    "partial": "∂", "nabla": "∇", "infty": "∞", "sum": "∑", "prod": "∏", "int": "∫", "oint": "∮",
    "forall": "∀", "exists": "∃", "emptyset": "∅", "varnothing": "∅", "neg": "¬", "lnot": "¬",
    "top": "⊤", "bot": "⊥", "prime": "′", "ell": "ℓ", "hbar": "ℏ", "aleph": "ℵ", "angle": "∠",
    "dots": "…", "ldots": "…", "cdots": "⋯", "vdots": "⋮", "ddots": "⋱",
    "|": "‖", "{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "#": "#", "_": "_",
    "langle": "⟨", "rangle": "⟩", "lvert": "|", "rvert": "|", "vert": "|", "lVert": "‖",
    "rVert": "‖", "Vert": "‖", "lfloor": "⌊", "rfloor": "⌋", "lceil": "⌈", "rceil": "⌉",
    "checkmark": "✓", "square": "□", "triangle": "△", "star": "⋆",
}
BIG_OPERATORS = {"sum", "prod", "int", "oint"}
DOTS = {"dots", "ldots", "cdots", "vdots", "ddots"}

RELATIONS = {
    "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝",
    "mid": "|", "in": "∈", "notin": "∉", "ni": "∋", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
    "ne": "≠", "neq": "≠", "ll": "≪", "gg": "≫", "subset": "⊂", "subseteq": "⊆", "supset": "⊃",
    "supseteq": "⊇", "perp": "⊥", "parallel": "∥", "coloneqq": "≔", "triangleq": "≜",
    "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "implies": "⟹", "impliedby": "⟸",
    "iff": "⟺", "mapsto": "↦", "longrightarrow": "⟶", "longleftarrow": "⟵", "uparrow": "↑",
    "downarrow": "↓",
}

BINARY = {
    "cdot": "·", "times": "×", "div": "÷", "pm": "±", "mp": "∓", "odot": "⊙", "otimes": "⊗",
    "oplus": "⊕", "circ": "∘", "ast": "∗", "bullet": "•", "cup": "∪", "cap": "∩",
    "setminus": "∖", "wedge": "∧", "land": "∧", "vee": "∨", "lor": "∨",
}

FUNCTIONS = {
    "log", "ln", "exp", "det", "tr", "sin", "cos", "tan", "tanh", "sinh", "cosh", "arcsin",
    "arccos", "arctan", "min", "max", "arg", "lim", "sup", "inf", "Pr", "dim", "ker", "deg",
    "gcd", "sgn", "liminf", "limsup",
}

SPACES = {",": " ", ":": " ", ";": " ", " ": " ", "!": "", "quad": HARD * 2, "qquad": HARD * 4}

# Sizing and layout commands that only change how TeX sets the formula.
IGNORED = {
    "left", "right", "middle", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
    "biggl", "biggr", "Biggl", "Biggr", "displaystyle", "textstyle", "scriptstyle", "limits",
    "nolimits", "nonumber", "notag",
}
DELIMITER_SIZERS = IGNORED - {"displaystyle", "textstyle", "scriptstyle", "limits", "nolimits",
                               "nonumber", "notag"}

ACCENTS = {
    "hat": "\u0302", "widehat": "\u0302", "tilde": "\u0303", "widetilde": "\u0303", "bar": "\u0304",
    "vec": "\u20d7", "dot": "\u0307", "ddot": "\u0308", "check": "\u030c", "breve": "\u0306",
    "acute": "\u0301", "grave": "\u0300", "overleftarrow": "\u20d6", "overrightarrow": "\u20d7",
}
EVERY_CHAR_ACCENTS = {"overline": "\u0305", "underline": "\u0332"}

PLAIN_FONTS = {"mathrm", "mathit", "mathsf", "mathtt", "mathnormal", "mathfrak", "mathscr"}
BOLD_FONTS = {"mathbf", "boldsymbol", "bm", "textbf", "pmb"}
TEXT = {"text", "textrm", "textit", "textsf", "texttt", "textnormal", "mbox", "hbox", "textup"}
DROPPED_WITH_ARG = {"label", "tag", "phantom", "vphantom", "hphantom"}
PASS_ARG = {"underbrace", "overbrace", "boxed"}

DOUBLE_STRUCK_BMP = {"C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ"}
SCRIPT_BMP = {"B": "ℬ", "E": "ℰ", "F": "ℱ", "H": "ℋ", "I": "ℐ", "L": "ℒ", "M": "ℳ", "R": "ℛ",
               "e": "ℯ", "g": "ℊ", "o": "ℴ"}

SUPERSCRIPTS = dict(zip(
    "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW⊤βγδφχθι",
    "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵀᵝᵞᵟᵠᵡᶿᶥ",
))
SUBSCRIPTS = dict(zip(
    "0123456789+-−=()aehijklmnoprstuvxβγρφχ",
    "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
))
SCRIPT_CHARS = set(SUPERSCRIPTS.values()) | set(SUBSCRIPTS.values())
HIGH_MARKS = set("′″‴*∗†‡")  # already sit high: f^\prime -> f′, D^* -> D*


def double_struck(c: str) -> str:
    if c in DOUBLE_STRUCK_BMP:
        return DOUBLE_STRUCK_BMP[c]
    if "A" <= c <= "Z":
        return chr(0x1D538 + ord(c) - ord("A"))
    if "a" <= c <= "z":
        return chr(0x1D552 + ord(c) - ord("a"))
    if "0" <= c <= "9":
        return chr(0x1D7D8 + ord(c) - ord("0"))
    return c


def script_letter(c: str) -> str:
    if c in SCRIPT_BMP:
        return SCRIPT_BMP[c]
    if "A" <= c <= "Z":
        return chr(0x1D49C + ord(c) - ord("A"))
    if "a" <= c <= "z":
        return chr(0x1D4B6 + ord(c) - ord("a"))
    return c
