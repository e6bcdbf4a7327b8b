"""Imports of uploaded files (a citizen pool's PEOPLE.csv, a vote's .pb) as background jobs with progress.

The web process only stores the upload (in the database, in chunks) and queues a job; a Celery worker
reads it back incrementally, reports rows processed, and deletes it when done. The modules that own
each kind of file register their reader here (``registry.register``), so this package imports none of them.
"""
