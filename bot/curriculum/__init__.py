"""The learning path: schema, loading and validation, Markdown import."""
