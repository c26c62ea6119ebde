"""article-qa: ask natural-language questions about text articles."""

__version__ = "0.1.0"
