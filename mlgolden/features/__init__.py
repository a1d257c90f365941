"""Feature discovery over the platform's shared Feast registry (`mlgolden features`).

- ``reader.py``: a standalone script run by the Feast interpreter; it reads every project of a
  registry (file or SQL) with Feast's own classes and writes a JSON snapshot;
- ``snapshot.py``: finds the registry and the Feast interpreter, runs the reader, caches snapshots;
- ``catalog.py``: filters, search, show and lineage over a snapshot (no Feast needed);
- ``formats.py``: table, JSON, Markdown and HTML output.
"""
