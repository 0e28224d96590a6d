"""The offline sync protocol core: pure Python, no Flask, SQLAlchemy or I/O."""
