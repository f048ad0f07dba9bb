"""Yhdyspinta: the statutory cooperation of municipalities and wellbeing services counties."""

__version__ = "0.1.0"
