"""Search: a query's page of results (``searching.py``), each hit made with its snippet and matches in context
(``hits.py``), every hit streamed (``stream.py``), did you mean (``suggest.py``) and similar stories
(``similar.py``). The ranking itself is the engine's (``engine/ranking.py``). May import ``engine`` (its
interface), ``extract/``, ``text/`` and the value modules; not ``read/`` or ``ingest/``.
"""
