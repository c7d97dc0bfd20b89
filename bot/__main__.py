"""`python -m bot`: the `zoufang` command line, starting the bot when no command is given."""

import sys

from bot.cli import main

__all__: list[str] = []

sys.exit(main(sys.argv[1:] or ["run"]))
