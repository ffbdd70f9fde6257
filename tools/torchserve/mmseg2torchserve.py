"""Package a config and checkpoint as a TorchServe model archive (.mar).

    python tools/torchserve/mmseg2torchserve.py CONFIG CHECKPOINT \
        --output-folder DIR --model-name NAME [--model-version 1.0] [--force]

The archive holds the checkpoint, the config (as config.py) and
mmseg_handler.py. Needs the deploy extra: pip install -e ".[deploy]".
"""
import argparse
import os.path as osp
import tempfile
from pathlib import Path

from mmseg.cli import UsageError, add_cfg_options, load_config, run_cli

HANDLER = Path(__file__).with_name('mmseg_handler.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Make a TorchServe model '
                                     'archive')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--output-folder', required=True,
                        help='where NAME.mar is written')
    parser.add_argument('--model-name', help='archive name (default: the '
                        "checkpoint's file name)")
    parser.add_argument('--model-version', default='1.0')
    parser.add_argument('--force', action='store_true',
                        help='overwrite an existing archive')
    add_cfg_options(parser)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        from model_archiver.model_archiver_config import ModelArchiverConfig
        from model_archiver.model_packaging import package_model
        from model_archiver.model_packaging_utils import ModelExportUtils
    except ImportError:
        raise ImportError('tools/torchserve/mmseg2torchserve.py needs '
                          'torch-model-archiver: pip install -e ".[deploy]"'
                          ) from None
    if not osp.isfile(args.checkpoint):
        raise FileNotFoundError(f'{args.checkpoint}: no such checkpoint')
    name = args.model_name or Path(args.checkpoint).stem
    archive = Path(args.output_folder) / f'{name}.mar'
    if archive.exists() and not args.force:
        raise UsageError(f'{archive} exists: pass --force to replace it')
    Path(args.output_folder).mkdir(parents=True, exist_ok=True)
    cfg = load_config(args.config, args.cfg_options + args.options)
    with tempfile.TemporaryDirectory() as tmp:
        config_file = osp.join(tmp, 'config.py')
        cfg.dump(config_file)
        config = ModelArchiverConfig(
            model_name=name, handler=str(HANDLER),
            version=args.model_version, serialized_file=args.checkpoint,
            extra_files=config_file, export_path=args.output_folder,
            force=args.force)
        package_model(config, ModelExportUtils.generate_manifest_json(config))
    print(f'wrote {archive}')


if __name__ == '__main__':
    run_cli(main)
