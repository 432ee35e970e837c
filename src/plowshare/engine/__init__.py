"""The engine: orders the models from their specs, runs chunks of draws, assembles results."""
