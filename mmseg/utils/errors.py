"""Error class of argument checks that MMSeg 0.28 made with ``assert``."""


class InvalidArgumentError(ValueError, AssertionError):
    """A bad argument: a ``ValueError`` with a one-line message, and an
    ``AssertionError`` too, so 0.28 code catching that still works."""
