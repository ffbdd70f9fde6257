__version__ = '0.28.0+cac'


def parse_version_info(version_str: str) -> tuple:
    """Split a version string into a tuple of ints and the local label."""
    public, _, local = version_str.partition('+')
    parts = [int(p) if p.isdigit() else p for p in public.split('.')]
    if local:
        parts.append(local)
    return tuple(parts)


version_info = parse_version_info(__version__)
