"""The tf-xla target: the plug-in (target.py) and the gradient-registration extractor (extract.py)."""
