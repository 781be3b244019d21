"""pathbot: an accountability bot for cohorts working through a learning path."""

__version__ = "0.1.0"
