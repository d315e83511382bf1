"""White-box knowledge of a compiler: its optimizations, read from the installed source."""
