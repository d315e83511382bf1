"""fuzzfox: an LLM-driven white-box fuzzer for deep-learning compilers and autodiff."""

__version__ = "0.1.0"
