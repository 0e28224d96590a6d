"""The offline sync protocol core: pure Python, no Flask, SQLAlchemy or I/O.

``protocol`` fixes the wire shape and limits, ``cursor`` the opaque pull
cursor, ``mutations`` the validation of a pushed batch, ``merge`` the merge
rule of each record kind. ``client`` is a reference device that speaks the
protocol over any transport.
"""
