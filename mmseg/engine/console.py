"""What the runner's logger shows on the console and in its log file."""
import logging

# mmengine messages of no use to a user of the tools: kept at DEBUG level
# (``ResumableRunner.log_environment`` replaces the environment block and
# config; ``ResumeDataStreamHook`` makes the advance over trained batches free)
_DEBUG_PREFIXES = ('Hooks will be executed in the following order',
                   '"FileClient" will be deprecated',
                   '"HardDiskBackend" is the alias',
                   '\n' + '-' * 60 + '\nSystem environment:',
                   'Config:\n',
                   'Advance dataloader ')


class DemoteFilter(logging.Filter):
    """Turn the records that start with one of ``_DEBUG_PREFIXES`` into
    DEBUG records (the handlers, at INFO, then skip them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(_DEBUG_PREFIXES):
            record.levelno, record.levelname = logging.DEBUG, 'DEBUG'
        return True


class DestinationFilter(logging.Filter):
    """Drop records meant only for the other destination.

    A record logged with ``extra=dict(only='console')`` (or ``'file'``)
    reaches only the console (or file) handlers.
    """

    def __init__(self, destination: str):
        super().__init__()
        self.destination = destination

    def filter(self, record: logging.LogRecord) -> bool:
        only = getattr(record, 'only', None)
        return only is None or only == self.destination


def install_filters(logger: logging.Logger) -> None:
    """Add the filters above to ``logger`` and its handlers (once)."""
    if any(isinstance(f, DemoteFilter) for f in logger.filters):
        return
    logger.addFilter(DemoteFilter())
    for handler in logger.handlers:
        kind = 'file' if isinstance(handler, logging.FileHandler) \
            else 'console'
        handler.addFilter(DestinationFilter(kind))
