"""The channels: the only code that knows a platform."""
