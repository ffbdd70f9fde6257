"""Official Swin Transformer (microsoft) weights to ``SwinTransformer`` keys.

    python tools/model_converters/swin2mmseg.py SRC DST
"""
from mmseg.cli import run_cli
from mmseg.models.utils.swin_checkpoint import convert_official_swin
from mmseg.utils.converter_io import converter_main


def main(argv=None) -> None:
    converter_main(__doc__.splitlines()[0], convert_official_swin, argv)


if __name__ == '__main__':
    run_cli(main)
