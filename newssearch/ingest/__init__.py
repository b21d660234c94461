"""Ingest: files and articles into the index.

``readers/`` turn files into ``Article`` records (one module per format), ``plan.py`` decides which files an update
reads, ``update.py`` runs it (worker processes read and extract, one writer writes), ``adding.py`` adds articles
given through the API, and ``reprints.py`` with ``grouping.py`` group near-identical copies as they are written.
May import ``engine`` (its interface, ``newssearch.engine``), ``extract/``, ``text/`` and the value modules.
"""
