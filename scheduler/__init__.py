"""Work the bot does on its own: timed jobs and delivery of what it sends unprompted."""
