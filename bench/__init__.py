"""Benchmarks: the Telegram channel end to end against a fake Bot API on 127.0.0.1."""
