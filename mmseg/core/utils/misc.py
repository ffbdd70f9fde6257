def add_prefix(inputs: dict, prefix: str) -> dict:
    """Return ``inputs`` with every key renamed to ``'<prefix>.<key>'``."""
    return {f'{prefix}.{name}': value for name, value in inputs.items()}
