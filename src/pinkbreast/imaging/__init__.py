"""Measuring nuclei on an aspirate image: the 30 WDBC features from pixels (docs/imaging.md).

No Flask and no database here: the web page, the API and the CLI all call
:func:`pinkbreast.imaging.measure.measure` on a :func:`pinkbreast.imaging.reading.read_image`.
Importing this package imports nothing heavy (the settings read :mod:`.scale`).
"""
