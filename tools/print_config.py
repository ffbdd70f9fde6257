"""Print a config with its bases and --cfg-options merged.

    python tools/print_config.py CONFIG [--cfg-options KEY=VAL ...]
"""
import argparse

from mmseg.cli import add_cfg_options, load_config, run_cli


def main(argv=None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    add_cfg_options(parser)
    args = parser.parse_args(argv)
    cfg = load_config(args.config, args.cfg_options + args.options)
    text = f'Config:\n{cfg.pretty_text}'
    print(text)
    return text


if __name__ == '__main__':
    run_cli(main)
