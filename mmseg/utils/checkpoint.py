"""Checkpoint loading that runs no code from a file unless the user says so.

``torch.load`` is called with ``weights_only=True`` (our own checkpoints hold
plain types only, see ``AtomicCheckpointHook``) plus an allowlist of harmless
numpy types found in older checkpoints. A file that needs anything else is
refused with a message naming the objects, unless checkpoints are trusted
(``--trust-checkpoint`` in the tools, or ``MMSEG_TRUST_CHECKPOINT=1``).

The loaders are registered in mmengine's ``CheckpointLoader`` for local
paths, ``http(s)://`` and ``open-mmlab://``, so the Runner (``load_from``,
resume) and ``init_cfg=dict(type='Pretrained')`` use them too. Offline, a URL
that is not in the torch hub cache fails with the path to put the file at.
"""
import os
import os.path as osp
import pickle
import zipfile
from typing import Callable, Optional

import numpy as np
import torch
from mmengine.runner.checkpoint import CheckpointLoader, get_external_models

from .misc import checkpoint_readable

TRUST_ENV = 'MMSEG_TRUST_CHECKPOINT'
_trusted = False


class UnsafeCheckpointError(pickle.UnpicklingError):
    """The checkpoint needs full unpickling, which can run arbitrary code."""


def trust_checkpoints(trusted: bool = True) -> None:
    """Allow (or forbid again) full unpickling of checkpoints."""
    global _trusted
    _trusted = trusted


def checkpoints_trusted() -> bool:
    return _trusted or os.environ.get(TRUST_ENV, '') in ('1', 'true', 'yes')


def _safe_globals() -> list:
    multiarray = (np._core if hasattr(np, '_core') else np.core).multiarray
    numpy_types = [np.ndarray, np.dtype, multiarray._reconstruct,
                   multiarray.scalar]
    numpy_types += [type(np.dtype(t)) for t in (
        'bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
        'uint32', 'uint64', 'float16', 'float32', 'float64')]
    return numpy_types


def load_from_local(filename, map_location=None) -> dict:
    """``torch.load`` a local file, weights-only unless trusted.

    Raises:
        FileNotFoundError: No such file.
        UnsafeCheckpointError: The file holds other Python objects and
            checkpoints are not trusted.
    """
    if not osp.isfile(filename):
        raise FileNotFoundError(f'checkpoint not found: {filename}')
    if zipfile.is_zipfile(filename) and not checkpoint_readable(filename):
        raise ValueError(f'checkpoint {filename} is unreadable (truncated '
                         'or corrupt); use an earlier one (--auto-resume '
                         'picks the newest readable checkpoint)')
    try:
        with torch.serialization.safe_globals(_safe_globals()):
            return torch.load(filename, map_location=map_location,
                              weights_only=True)
    except (RuntimeError, KeyError, EOFError, ValueError):
        # neither a zip archive nor a legacy pickle
        raise ValueError(f'checkpoint {filename} is unreadable (truncated '
                         'or corrupt); use an earlier one (--auto-resume '
                         'picks the newest readable checkpoint)') from None
    except pickle.UnpicklingError:
        if checkpoints_trusted():
            return torch.load(filename, map_location=map_location,
                              weights_only=False)
        if not zipfile.is_zipfile(filename):  # garbage, not a checkpoint
            raise ValueError(f'checkpoint {filename} is unreadable '
                             '(truncated or corrupt); use an earlier one '
                             '(--auto-resume picks the newest readable '
                             'checkpoint)') from None
        unsafe = torch.serialization.get_unsafe_globals_in_checkpoint(
            filename)
        raise UnsafeCheckpointError(
            f'{filename} holds Python objects that can run code when loaded '
            f'({", ".join(unsafe[:5]) or "unknown"}); if you trust its '
            f'source, pass --trust-checkpoint or set {TRUST_ENV}=1') from None


def cached_url_path(url: str) -> str:
    """Where the torch hub cache keeps the file of ``url``."""
    name = osp.basename(url.split('?')[0])
    return osp.join(torch.hub.get_dir(), 'checkpoints', name)


def load_from_http(url: str, map_location=None):
    """Load a checkpoint URL through the torch hub cache.

    Raises:
        FileNotFoundError: Not cached and the download failed (offline);
            the message says where to put the file.
    """
    path = cached_url_path(url)
    if not osp.isfile(path):
        os.makedirs(osp.dirname(path), exist_ok=True)
        try:
            torch.hub.download_url_to_file(url, path, progress=False)
        except Exception as err:  # no network, HTTP error, ...
            raise FileNotFoundError(
                f'could not download {url} ({type(err).__name__}); download '
                f'it elsewhere and put it at {path}') from None
    return load_from_local(path, map_location)


def load_from_openmmlab(filename: str, map_location=None):
    """Resolve ``open-mmlab://<name>`` with mmengine's model table."""
    name = filename[len('open-mmlab://'):]
    urls = get_external_models()
    if name not in urls:
        raise KeyError(f'unknown checkpoint {filename}; known names: '
                       f'{", ".join(sorted(urls)[:8])}, ...')
    return load_from_http(urls[name], map_location)


# the names end in the backend name mmengine prints when loading
CheckpointLoader.register_scheme(prefixes='', loader=load_from_local,
                                 force=True)
CheckpointLoader.register_scheme(prefixes=('http://', 'https://'),
                                 loader=load_from_http, force=True)
CheckpointLoader.register_scheme(prefixes=('open-mmlab://', 'openmmlab://'),
                                 loader=load_from_openmmlab, force=True)


def _state_dict_of(checkpoint: dict) -> dict:
    state = checkpoint
    for key in ('state_dict', 'model'):
        if isinstance(state, dict) and key in state:
            state = state[key]
            break
    return {k[len('module.'):] if k.startswith('module.') else k: v
            for k, v in state.items()}


def state_dict_mismatch(model: torch.nn.Module, state: dict) -> tuple:
    """Keys missing from / unexpected in ``state``, and mis-shaped ones."""
    own = model.state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    shapes = [f'{k} {tuple(state[k].shape)} vs {tuple(own[k].shape)}'
              for k in own if k in state and state[k].shape != own[k].shape]
    return missing, unexpected, shapes


def check_matches(model: torch.nn.Module, checkpoint: dict, filename: str,
                  strict: bool) -> None:
    """Raise a one-line ``ValueError`` if ``checkpoint`` does not fit.

    Args:
        strict: Any difference is an error; otherwise only a checkpoint
            sharing no tensor with the model is.
    """
    state = _state_dict_of(checkpoint)
    missing, unexpected, shapes = state_dict_mismatch(model, state)
    matched = len(model.state_dict()) - len(missing) - len(shapes)
    if not (missing or unexpected or shapes) or (not strict and matched):
        return
    parts = [f'{len(items)} {what} ({", ".join(items[:3])}'
             f'{", ..." if len(items) > 3 else ""})'
             for what, items in (('missing', missing),
                                 ('unexpected', unexpected),
                                 ('mis-shaped', shapes)) if items]
    raise ValueError(f'{filename} does not match the model: '
                     f'{"; ".join(parts)}. Is it a checkpoint of this '
                     'config?')


def load_weights(model: torch.nn.Module, filename: str,
                 strict: bool = True,
                 drop: Optional[Callable[[torch.nn.Module, dict, str],
                                         dict]] = None) -> dict:
    """Load a checkpoint's weights into ``model``.

    Args:
        model: Target model (unwrapped).
        filename: Path, URL or ``open-mmlab://`` name.
        strict: Raise on any missing, unexpected or mis-shaped key (else
            only when nothing matches, and load what fits).
        drop: ``drop(model, state, filename)`` returns the state without
            what the model does not use, before the check; e.g.
            ``mmseg.models.decode_heads.cac_head.drop_cac_branches`` when
            the model only predicts.

    Returns:
        The checkpoint's ``meta`` (empty if none).
    """
    checkpoint = CheckpointLoader.load_checkpoint(filename,
                                                  map_location='cpu')
    state = _state_dict_of(checkpoint)
    if drop is not None:
        state = drop(model, state, filename)
    check_matches(model, state, filename, strict)
    own = model.state_dict()
    model.load_state_dict({k: v for k, v in state.items()
                           if k in own and v.shape == own[k].shape},
                          strict=False)
    return checkpoint.get('meta', {}) if isinstance(checkpoint, dict) else {}
