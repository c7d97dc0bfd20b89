"""The bot's outer layer: settings, the composition root, the command line and the channels."""
