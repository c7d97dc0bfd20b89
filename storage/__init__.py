"""Persistence behind small interfaces; only this package knows which database is used."""

from storage.interfaces import Store, Tx
from storage.sqlite import open_store

__all__ = ["Store", "Tx", "open_store"]
