"""Bringing documents in: the pure parsers of every import format (`parsers`),
storing a parsed import atomically with its annotations (`store`), the import
endpoint, `manage.py import_documents`, and the demo project (`manage.py demo`).
"""
