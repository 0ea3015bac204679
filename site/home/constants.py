"""Shared vocabularies moved to `core.vocabularies`; these names stay until every importer reads them there."""

from core.vocabularies import Municipio, Weekday

__all__ = ["Municipio", "Weekday"]
