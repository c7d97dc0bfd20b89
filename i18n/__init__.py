"""Message catalogs: every word the bot says, in Chinese and English."""

from i18n.catalog import LANGUAGES, Catalog, catalog, language_for

__all__ = ["LANGUAGES", "Catalog", "catalog", "language_for"]
