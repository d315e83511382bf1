"""The LLM layer: one client for any OpenAI-compatible endpoint, with a replayable cache."""
