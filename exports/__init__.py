"""Ledger exports: the case ledger (整改台账) and the visit ledger as XLSX or CSV files."""

from exports.ledger import FORMATS, Format, export_cases, export_visits, file_name, format_for

__all__ = ["FORMATS", "Format", "export_cases", "export_visits", "file_name", "format_for"]
