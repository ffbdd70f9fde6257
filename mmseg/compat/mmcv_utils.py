"""``get_logger`` of ``mmcv.utils`` 1.x (served by :mod:`.finder`)."""
import logging
from typing import Optional

from mmengine.logging import MMLogger


def get_logger(name: str, log_file: Optional[str] = None,
               log_level: int = logging.INFO,
               file_mode: str = 'w') -> logging.Logger:
    """0.28's ``get_logger``: a named logger (mmengine ``MMLogger``).

    Args:
        name: Logger name; the same name returns the same logger.
        log_file: Optional file that also receives the records.
        log_level: Level of the logger.
        file_mode: 'w' or 'a' for ``log_file``.

    Returns:
        The logger.
    """
    if MMLogger.check_instance_created(name):
        return MMLogger.get_instance(name)
    return MMLogger.get_instance(name, logger_name=name, log_file=log_file,
                                 log_level=log_level, file_mode=file_mode)
