"""Triage: bug signatures, one cluster per bug, reproduction, minimization and rechecks.

No framework is imported here: programs run in sandbox workers (``fuzzfox.sandbox``).
"""
