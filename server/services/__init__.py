"""Services: the application's use cases, between the API and the tables.

Handlers parse input and call a service; services check the domain rules,
scope every query through ``server.access`` and write the audit log.
"""
