"""The rules of the service, free of Flask, SQLAlchemy and any I/O.

Who may do what, which records are frozen once signed, the light a decision
gets under the council's policy, and when a statutory visit falls due.
"""
