"""What a case record looks like on the wire: its fields, schemas and compiled loaders.

The REST API and the sync engine both read and write records in these shapes,
so they live below the services, which load pushed data with them.
"""
