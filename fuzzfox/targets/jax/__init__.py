"""The jax-xla target: the plug-in (target.py) and the autodiff-rule extractor (extract.py)."""
