"""One writer per output target. Each turns the validated course into bytes; none writes files."""
