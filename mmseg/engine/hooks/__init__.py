from .average_buffers_hook import AverageBuffersHook
from .cac_hooks import (
    CACMemoryStateHook,
    LossWeightFinalStopHook,
    LossWeightWarmupHook,
    ProjectHeadDetachWarmupHook,
    iter_losses,
)
from .checkpoint_hook import AtomicCheckpointHook
from .data_stream_hook import ResumeDataStreamHook
from .logger_hook import JsonLoggerHook
from .nonfinite_loss_hook import NonFiniteLossHook
from .progress_hook import ProgressBarHook
from .stop_on_signal_hook import StopOnSignalHook

__all__ = [
    'AverageBuffersHook', 'CACMemoryStateHook',
    'LossWeightWarmupHook', 'LossWeightFinalStopHook',
    'ProjectHeadDetachWarmupHook', 'iter_losses',
    'AtomicCheckpointHook', 'JsonLoggerHook', 'ProgressBarHook',
    'ResumeDataStreamHook', 'NonFiniteLossHook',
    'StopOnSignalHook'
]
