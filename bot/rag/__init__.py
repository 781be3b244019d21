"""Ask the path: hybrid retrieval (BM25 + local embeddings in Chroma) over the curriculum.

Nothing heavy is imported here: `bot.rag.service.AskService` loads the index on first use.
"""
