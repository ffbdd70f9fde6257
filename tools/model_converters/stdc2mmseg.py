"""Official STDC-Seg (MichaelFan01) backbone weights to ``STDCNet`` keys.

    python tools/model_converters/stdc2mmseg.py SRC DST {STDC1,STDC2}
"""
from mmseg.cli import run_cli
from mmseg.utils.converter_io import StateDict, converter_main

# ``features.n`` of the official network -> ``stages.<id>``
STAGES = dict(
    STDC1=['0', '1', '2.0', '2.1', '3.0', '3.1', '4.0', '4.1'],
    STDC2=['0', '1', '2.0', '2.1', '2.2', '2.3', '3.0', '3.1', '3.2', '3.3',
           '3.4', '4.0', '4.1', '4.2'])


def convert_stdc(state_dict: StateDict, stdc_type: str) -> dict:
    """Keep the backbone's ``features`` (and their ``conv_list`` /
    ``avd_layer``) under 0.28's names; everything else is dropped.

    Args:
        state_dict: Official weights (a ``cp.`` prefix is removed).
        stdc_type: 'STDC1' or 'STDC2'.
    """
    stages = STAGES[stdc_type]
    out = {}
    for key, value in state_dict.items():
        new = key.replace('cp.', '')
        if not any(part in new for part in ('features.', 'conv_list',
                                            'avd_layer.')):
            continue
        if 'features.' in new:
            index = int(new.split('.')[1])
            new = new.replace(f'features.{index}.',
                              f'stages.{stages[index]}.')
        new = new.replace('conv_list', 'layers').replace(
            'avd_layer.0', 'downsample.conv').replace('avd_layer.1',
                                                      'downsample.bn')
        out[new] = value
    return out


def main(argv=None) -> None:
    converter_main(__doc__.splitlines()[0], convert_stdc, argv,
                   dict(type=('model type: STDC1 or STDC2',
                              ['STDC1', 'STDC2'])))


if __name__ == '__main__':
    run_cli(main)
