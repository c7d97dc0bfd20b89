"""In-process fakes of external services (Telegram Bot API) for end-to-end tests and benchmarks."""
