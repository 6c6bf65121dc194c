"""Errors the engine raises for broken inputs; each message is one line a user can act on."""


class KnowledgeError(Exception):
    """Base of every error the engine raises on purpose."""


class CorpusError(KnowledgeError):
    """The corpus path, an article, the catalog or a .jsonl line cannot be used."""


class GlossaryError(KnowledgeError):
    """The glossary file is missing, malformed or has an invalid entry."""


class IndexLoadError(KnowledgeError):
    """A saved index cannot be read back (corrupt, stale format, unreadable)."""
