"""Read: one story (``reading.py``), the index's overview (``stats.py``), and results written out as CSV or JSON
Lines (``export.py``). May import ``engine`` (its interface), ``text/`` and the value modules; not ``search/``.
"""
