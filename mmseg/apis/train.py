import os.path as osp
from typing import Optional

from mmengine.config import Config

from mmseg.datasets.samplers import SeededDataset
from mmseg.engine.config_translation import train_config
from mmseg.engine.runner import ResumableRunner


def build_train_runner(cfg: Config,
                       work_dir: str,
                       validate: bool = True,
                       launcher: str = 'none',
                       load_from: Optional[str] = None,
                       resume: bool = False,
                       seed: Optional[int] = None,
                       diff_seed: bool = False,
                       deterministic: bool = False) -> ResumableRunner:
    """The training runner of a 0.28 config, in one call.

    Arguments as :func:`mmseg.engine.config_translation.train_config`. The
    runner seeds everything (``seed``) before it builds the model, so
    construction is reproducible too, as in 0.28.
    """
    runner_cfg = train_config(
        cfg, osp.abspath(work_dir), validate=validate, launcher=launcher,
        load_from=load_from, resume=resume, seed=seed, diff_seed=diff_seed,
        deterministic=deterministic)
    runner_cfg['source_config'] = dict(filename=cfg.filename,
                                       text=cfg.pretty_text)
    return ResumableRunner.from_cfg(Config(runner_cfg))


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
                    deterministic: bool = False) -> ResumableRunner:
    """0.28's API: train a built ``model`` on a built ``dataset``.

    The tools build from the config alone (:func:`build_train_runner`);
    this entry point hands the given objects to the runner in place of
    the config's ``model`` and ``data.train``.

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
    resume_from = cfg.get('resume_from')
    runner_cfg = train_config(
        cfg, osp.abspath(cfg.work_dir), validate=validate,
        launcher=launcher or ('pytorch' if distributed else 'none'),
        load_from=resume_from or cfg.get('load_from'),
        resume=bool(resume_from) or resume, seed=cfg.get('seed'),
        diff_seed=diff_seed, deterministic=deterministic)
    runner_cfg['source_config'] = dict(filename=cfg.filename,
                                       text=cfg.pretty_text)
    loader = runner_cfg.pop('train_dataloader')
    runner = ResumableRunner(
        model=model, train_dataloader=dict(loader, dataset=SeededDataset(
            dataset)), cfg=Config(runner_cfg),
        **{k: v for k, v in runner_cfg.items() if k not in (
            'model', 'model_wrapper_cfg', 'speed', 'source_config')})
    runner.train()
    return runner
