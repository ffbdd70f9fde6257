from .checkpoint import (
    UnsafeCheckpointError,
    checkpoints_trusted,
    load_from_local,
    load_weights,
    trust_checkpoints,
)
from .collect_env import collect_env
from .dist import init_dist
from .legacy import (
    build_ddp,
    build_dp,
    get_device,
    get_root_logger,
    setup_multi_processes,
)
from .misc import find_latest_checkpoint

__all__ = [
    'UnsafeCheckpointError', 'checkpoints_trusted', 'load_from_local',
    'load_weights',
    'trust_checkpoints', 'collect_env', 'init_dist', 'find_latest_checkpoint',
    'get_root_logger', 'get_device', 'build_dp', 'build_ddp',
    'setup_multi_processes'
]
