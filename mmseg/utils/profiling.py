"""Time and memory measurement for the benchmark scripts."""
import time
from typing import Callable, Tuple

import torch
from torch.profiler import ProfilerActivity, profile


def timed_call(fn: Callable[[], object],
               device: torch.device) -> Tuple[object, float]:
    """``fn()``'s result and its seconds; CUDA work is waited for."""
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    start = time.perf_counter()
    result = fn()
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
    return result, time.perf_counter() - start


def peak_memory_mib(fn: Callable[[], object], device: torch.device) -> float:
    """Peak memory of the tensors allocated while ``fn()`` runs, in MiB.

    Memory held before the call (weights, inputs) is not counted. CUDA uses
    the allocator's statistics; CPU replays the allocations and frees that
    ``torch.profiler`` records, so a temporary freed inside one operator
    is missed (CPU figures are a lower bound).
    """
    if device.type == 'cuda':
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_allocated(device)
        torch.cuda.reset_peak_memory_stats(device)
        fn()
        torch.cuda.synchronize(device)
        return (torch.cuda.max_memory_allocated(device) - before) / 2**20
    with profile(activities=[ProfilerActivity.CPU],
                 profile_memory=True) as prof:
        fn()
    changes = sorted((e.time_range.start, e.self_cpu_memory_usage)
                     for e in prof.events() if e.self_cpu_memory_usage)
    level = peak = 0
    for _, change in changes:
        level += change
        peak = max(peak, level)
    return peak / 2**20
