"""Text: plain-string helpers that know nothing of the index. Highlighted fragments and snippets
(``highlight.py``), sentence snippets (``sentences.py``), matches in context (``kwic.py``), and making text safe
to store and to print (``sanitize.py``). May import only the value modules (``models``, ``dates``, ``errors``...).
"""
