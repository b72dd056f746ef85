"""Scoring on Apache Spark: ``pinkbreast predict INPUT --engine spark``, same answers as the CLI.

The driver resolves ``models:/pinkbreast@champion`` to one version (:mod:`.model`), reads the
input as numbered CSV lines or Parquet rows (:mod:`.sources`), and runs one pandas function per
partition (:mod:`.batches`) that validates each row with the CLI's own readers
(:mod:`pinkbreast.tables`) and scores the valid ones with that version's own
:meth:`~pinkbreast.ml.champion.Champion.score`, the call the CLI makes. Rows that fail
go to a ``rejects`` output with their line (or row) and reasons; :mod:`.job` ties it together
and :mod:`.outputs` writes the results as the CLI's columns, in CSV or Parquet.

Nothing here is imported unless ``--engine spark`` is asked for; ``pyspark`` is the optional
extra ``pinkbreast[spark]``.
"""
