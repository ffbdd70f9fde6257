"""Command-line helpers of the scripts in ``tools/``: config loading,
``--cfg-options``, launch and one-line errors (the entry-point layer)."""
import argparse
import difflib
import os
import os.path as osp
import pickle
import sys
import tempfile
import warnings
from typing import List, Optional

from mmengine.config import Config, DictAction

from mmseg.utils.checkpoint import trust_checkpoints
from mmseg.utils.dist import close_dist, init_dist, is_rank_zero
from mmseg.utils.errors import TrainingStopped


class UsageError(Exception):
    """Bad input to a tool: printed as one line, exit status 2."""


def add_cfg_options(parser: argparse.ArgumentParser) -> None:
    """``--cfg-options`` (and its deprecated alias ``--options``)."""
    for flag, help_text in (('--cfg-options', 'override config keys, e.g. '
                             'data.samples_per_gpu=4 optimizer.lr=0.02 '
                             '(list items by index: data.train.pipeline.2.'
                             'img_scale=...); a key the config does not '
                             'have is an error, add one with +KEY=VAL, '
                             'e.g. +model.test_cfg.stride=(128,128)'),
                            ('--options', 'deprecated alias of '
                             '--cfg-options')):
        parser.add_argument(flag, nargs='+', default=[], metavar='KEY=VAL',
                            help=help_text)


def add_speed_options(parser: argparse.ArgumentParser) -> None:
    """``--compile``, ``--channels-last``, ``--cudnn-benchmark``."""
    parser.add_argument('--compile', nargs='?', const='inductor',
                        metavar='BACKEND', help='torch.compile the backbone '
                        'and heads (config key compile; default backend '
                        'inductor)')
    parser.add_argument('--channels-last', action='store_true',
                        help='channels-last memory format (config key '
                        'channels_last)')
    parser.add_argument('--cudnn-benchmark', action='store_true',
                        help='cuDNN autotuning for fixed input sizes '
                        '(config key cudnn_benchmark)')


def apply_speed_options(args: argparse.Namespace, cfg) -> None:
    """Copy the speed flags that were given into ``cfg``."""
    if args.compile:
        cfg.compile = dict(backend=args.compile)
    if args.channels_last:
        cfg.channels_last = True
    if args.cudnn_benchmark:
        cfg.cudnn_benchmark = True


def parse_cfg_options(items: List[str], flag: str = '--cfg-options',
                      example: str = 'optimizer.lr=0.02') -> dict:
    """``KEY=VALUE`` strings to a dict, values parsed as mmengine does
    (by calling its ``DictAction``, the public argparse interface)."""
    for item in items:
        key, sep, _ = item.partition('=')
        if not sep or not key:
            raise UsageError(f'{flag} {item!r}: expected KEY=VALUE, e.g. '
                             f'{example}')
    namespace = argparse.Namespace()
    DictAction(option_strings=[flag], dest='options')(None, namespace, items)
    return namespace.options


def _child_keys(node) -> List[str]:
    if isinstance(node, dict):
        return [str(k) for k in node]
    if isinstance(node, (list, tuple)):
        return [str(i) for i in range(len(node))]
    return []


def _all_key_paths(node, prefix: str = '') -> List[str]:
    """Every dotted key path of a config tree (list items by index)."""
    paths = []
    for key in _child_keys(node):
        path = f'{prefix}{key}'
        paths.append(path)
        child = node[int(key)] if isinstance(node, (list, tuple)) \
            else node[key]
        paths += _all_key_paths(child, f'{path}.')
    return paths


def check_option_key(cfg: Config, key: str) -> None:
    """Raise ``UsageError`` unless the dotted ``key`` exists in ``cfg``.

    List items are addressed by index (``data.train.pipeline.3.crop_size``),
    as ``Config.merge_from_dict`` does.
    """
    root = cfg.to_dict()
    node = root
    for part in key.split('.'):
        if part not in _child_keys(node):
            hint = difflib.get_close_matches(key, _all_key_paths(root), n=1,
                                             cutoff=0.6)
            did_you_mean = f'did you mean {hint[0]}? ' if hint else ''
            raise UsageError(
                f'--cfg-options {key}: no such key in {cfg.filename}; '
                f'{did_you_mean}(to add a new key write +{key}=VALUE)')
        node = node[int(part)] if isinstance(node, (list, tuple)) \
            else node[part]


def load_config(path: str, options: Optional[List[str]] = None) -> Config:
    """Read a config and apply ``--cfg-options`` (``KEY=VALUE`` strings).

    A key must exist in the config (a typo is an error naming the closest
    key); ``+KEY=VALUE`` adds a key that the config does not have.
    """
    if not osp.isfile(path):
        raise UsageError(f'config file not found: {path}')
    cfg = Config.fromfile(path)
    parsed = {}
    for key, value in parse_cfg_options(options or []).items():
        if key.startswith('+'):
            key = key[1:]
        else:
            check_option_key(cfg, key)
        parsed[key] = value
    if parsed:
        try:
            cfg.merge_from_dict(parsed)
        except Exception as err:
            raise UsageError(f'--cfg-options {options}: {err}') from None
    return cfg


def default_work_dir(config_path: str) -> str:
    """``./work_dirs/<config name>`` as in 0.28."""
    return osp.join('./work_dirs',
                    osp.splitext(osp.basename(config_path))[0])


def prepare_work_dir(work_dir: Optional[str], config_path: str) -> str:
    """Create the work dir and check it is writable."""
    work_dir = osp.abspath(work_dir or default_work_dir(config_path))
    try:
        os.makedirs(work_dir, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=work_dir):
            pass
    except OSError as err:
        raise UsageError(f'work dir {work_dir} is not writable '
                         f'({err.strerror}); choose another with '
                         '--work-dir') from None
    return work_dir


def setup_launch(launcher: str, cfg: Config) -> None:
    """Initialise torch.distributed when a launcher is used.

    ``dist_params`` may set ``backend`` and ``timeout`` (seconds a
    collective waits for the other ranks before failing).
    """
    if launcher != 'none':
        params = dict(cfg.get('dist_params') or {})
        init_dist(launcher, backend=params.get('backend', 'nccl'),
                  timeout=params.get('timeout'))


def trust_from_args(args) -> None:
    if getattr(args, 'trust_checkpoint', False):
        trust_checkpoints(True)


# errors that, in the tools, mean bad input rather than a bug
INPUT_ERRORS = (UsageError, KeyError, FileNotFoundError, ValueError,
                TypeError, pickle.UnpicklingError, FloatingPointError)


def one_line(err: BaseException) -> str:
    """The message of ``err`` on one line.

    For errors re-raised from a DataLoader worker, the original error's
    last line.
    """
    text = str(err.args[0]) if isinstance(err, KeyError) and err.args \
        else str(err)
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    if 'Original Traceback' in text:
        return lines[-1]
    return ' '.join(lines) or type(err).__name__


def quiet_other_ranks() -> None:
    """Show Python warnings on rank 0 only, so that each appears once per
    run, not once per process (``RANK`` is set by torchrun and slurm)."""
    rank = os.environ.get('RANK', os.environ.get('SLURM_PROCID', '0'))
    if rank != '0':
        warnings.simplefilter('ignore')


def run_cli(main) -> None:
    """Run a tool's ``main``; bad input ends with one line and status 2.

    Set ``MMSEG_DEBUG=1`` to get the full traceback instead.
    A training run stopped on purpose (signal, unwritable checkpoint:
    ``TrainingStopped``) prints its line on rank 0 only and exits with its
    status; Ctrl-C before training started exits with 130.
    """
    quiet_other_ranks()
    success = False
    try:
        main()
        success = True
    except TrainingStopped as err:
        if is_rank_zero():
            print(str(err), file=sys.stderr, flush=True)
        close_dist(False)
        sys.stdout.flush()
        # no interpreter shutdown: it would wait for the data loader
        # workers, which ignore the stop signals (they exit on their own
        # once this process is gone)
        os._exit(err.exit_code)
    except KeyboardInterrupt:
        print('interrupted before training started; nothing saved',
              file=sys.stderr)
        sys.exit(130)
    except INPUT_ERRORS as err:
        if os.environ.get('MMSEG_DEBUG'):
            raise
        print(f'error: {one_line(err)}', file=sys.stderr)
        sys.exit(2)
    finally:
        close_dist(success)
