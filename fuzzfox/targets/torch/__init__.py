"""The torch-inductor target: the plug-in (target.py), the optimization extractor (extract.py)
and the trigger probe (probe.py)."""
