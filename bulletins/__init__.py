"""Campaign supervision: the figures, texts and charts of bulletins, stats and nudges."""
