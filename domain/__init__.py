"""Rules of the campaign with no I/O: visits, cases, dates, validation."""
