"""The generation stage: prompting an LLM for new test programs and reading its answers."""
