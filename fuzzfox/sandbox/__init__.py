"""Sandboxed execution of untrusted programs: workers that fork one isolated child per program."""
