"""jax: its oracles (compiled vs eager: compiled.py; gradients: grads.py) and the wrong-on-purpose
backends tests use (faulty_backends.py). The framework is imported inside functions only."""
