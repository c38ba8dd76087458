"""Mentions: the places where a text names an actor of the registry.

Listing an actor's mentions (`api/mentions.py`), merging actors so their
mentions follow the survivor (`merge.py`), and pre-annotation, which suggests
mentions from the registry's aliases or an outside model and stores them as
prediction sets (`preannotate.py`, `manage.py preannotate`).
"""
