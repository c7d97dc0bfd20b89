"""Exports of the case and visit ledgers to XLSX and CSV."""
