import os.path as osp
from typing import Optional

from mmengine.config import Config

from mmseg.datasets import build_dataset
from mmseg.engine.legacy_config import runner_config, train_runner_kwargs
from mmseg.engine.runner import SegRunner


def train_segmentor(model,
                    dataset,
                    cfg: Config,
                    distributed: bool = False,
                    validate: bool = False,
                    timestamp: Optional[str] = None,
                    meta: Optional[dict] = None,
                    launcher: Optional[str] = None,
                    resume: bool = False,
                    diff_seed: bool = False,
                    deterministic: bool = False) -> SegRunner:
    """Train ``model`` on ``dataset`` as configured by a 0.28 ``cfg``.

    Args:
        model: The built segmentor.
        dataset: The training dataset (or a one-element list of it).
        cfg: The config; ``work_dir``, ``seed``, ``load_from`` and
            ``resume_from`` are read from it.
        distributed: Run under a distributed launcher.
        validate: Evaluate on ``cfg.data.val`` as ``evaluation`` says.
        timestamp, meta: Accepted for 0.28 compatibility (the Runner makes
            its own timestamp; checkpoints get CLASSES/PALETTE).
        launcher: 'pytorch' or 'slurm' (default 'pytorch' if distributed).
        resume: Resume from the latest checkpoint of ``work_dir`` when
            ``cfg.resume_from`` is not set.
        diff_seed, deterministic: Randomness settings.

    Returns:
        The runner, after training.
    """
    if isinstance(dataset, (list, tuple)):
        dataset = dataset[0]
    datasets = dict(train=dataset)
    if validate:
        datasets['val'] = build_dataset(cfg.data.val, dict(test_mode=True))
    resume_from = cfg.get('resume_from')
    kwargs = train_runner_kwargs(
        cfg, model, datasets, work_dir=osp.abspath(cfg.work_dir),
        validate=validate,
        launcher=launcher or ('pytorch' if distributed else 'none'),
        load_from=resume_from or cfg.get('load_from'),
        resume=bool(resume_from) or resume, seed=cfg.get('seed'),
        diff_seed=diff_seed, deterministic=deterministic)
    runner = SegRunner(**kwargs, cfg=runner_config(cfg))
    runner.train()
    return runner
