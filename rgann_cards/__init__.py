"""rgann-cards: YAML question banks with code-verified answers, compiled to Anki, HTML and a terminal quiz."""

__version__ = "0.1.0"
