"""Converters from other tools' input files to scenario files (``ceasefire import``)."""
