"""torch: its oracles (compiled vs eager: compiled.py; gradients: grads.py) and the wrong-on-purpose
backends tests use (faulty_backends.py). The framework is imported inside functions only."""

# What a failure under each torch.compile backend points at: ``eager`` runs dynamo's graph
# capture only, ``aot_eager`` adds AOTAutograd; the others (inductor, ...) are their own layer.
FRONTEND_LAYERS = {"eager": "dynamo", "aot_eager": "dynamo/aot_autograd"}
