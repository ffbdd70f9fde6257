"""0.28-parity fixtures whose weights and inputs are regenerated from a
seed (tests/data/reference_028/).

A fixture holds a tiny model's 0.28 ``config``, the keys, shapes and
dtypes of 0.28's state dict (``state_shapes``), a ``seed``, the image
and label shapes, the train losses 0.28 computed, and 0.28's eval logits
and label map on every ``stride``-th pixel. The weights and inputs come
from :func:`seeded_state` and :func:`seeded_inputs`, which the fixtures
were made with, so a fixture stays small whatever the model's size.
The fixtures were made in an MMSegmentation 0.28.0 environment (mmcv
1.6.2, CPU, float32): build the config, load ``seeded_state`` strictly,
``forward_train`` on ``seeded_inputs`` in train mode, reload, then
``encode_decode`` and ``simple_test`` in eval mode. The fixtures are
trusted files of this repository (``torch.load(weights_only=False)``).
"""
import copy
import math
from pathlib import Path
from typing import Dict, List, Tuple

import torch

FIXTURE_DIR = Path(__file__).parent / 'data' / 'reference_028'


def seeded_state(shapes: List[Tuple[str, tuple, str]],
                 seed: int) -> Dict[str, torch.Tensor]:
    """Deterministic weights for a state dict: fan-in scaled convs and
    linears, norm scales near 1, positive running variances."""
    gen = torch.Generator().manual_seed(seed)
    state = {}
    for key, shape, dtype in shapes:
        if dtype == 'torch.int64':
            state[key] = torch.full(shape, 7, dtype=torch.int64)
            continue
        noise = torch.randn(shape, generator=gen)
        if key.endswith('running_var'):
            value = 0.75 + 0.5 * torch.rand(shape, generator=gen)
        elif len(shape) > 1:
            value = noise / math.sqrt(math.prod(shape[1:]))
        elif key.endswith('weight'):
            value = 1 + 0.1 * noise
        else:
            value = 0.1 * noise
        state[key] = value
    return state


def seeded_inputs(img_shape: tuple, num_classes: int, seed: int):
    """Image, label map (a few ignored pixels) and meta dicts."""
    gen = torch.Generator().manual_seed(seed + 1)
    n, _, h, w = img_shape
    img = torch.randn(img_shape, generator=gen)
    gt = torch.randint(0, num_classes, (n, 1, h, w), generator=gen)
    gt[:, :, :2, :2] = 255
    meta = dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                pad_shape=(h, w, 3), flip=False,
                scale_factor=[1.0, 1.0, 1.0, 1.0])
    return img, gt, [copy.deepcopy(meta) for _ in range(n)]


def load_case(name: str) -> dict:
    path = FIXTURE_DIR / f'{name}.pt'
    if not path.is_file():
        raise FileNotFoundError(f'0.28 fixture {path} is missing: restore '
                                'tests/data/reference_028 (git checkout)')
    return torch.load(path, weights_only=False)


def check_case(name: str, atol: float = 1e-5) -> None:
    """Build our model from the fixture's 0.28 config, load 0.28's state
    dict strictly and compare train losses, eval logits and labels."""
    from mmseg.models import build_segmentor

    case = load_case(name)
    state = seeded_state(case['state_shapes'], case['seed'])
    img, gt, img_metas = seeded_inputs(case['img_shape'],
                                       case['num_classes'], case['seed'])
    model = build_segmentor(copy.deepcopy(case['config']))
    model.load_state_dict(state, strict=True)

    model.train()
    losses = model.forward_train(img, img_metas, gt)
    assert set(case['train_losses']) <= set(losses)
    for key, expected in case['train_losses'].items():
        torch.testing.assert_close(
            losses[key].detach().reshape(expected.shape), expected,
            atol=atol, rtol=1e-5, msg=key)

    model.load_state_dict(state, strict=True)  # undo the BN updates
    model.eval()
    step = case['stride']
    with torch.no_grad():
        logits = model.encode_decode(img, img_metas)
        pred = model.simple_test(img[:1], img_metas[:1], rescale=True)
    torch.testing.assert_close(logits[..., ::step, ::step],
                               case['encode_decode'], atol=atol, rtol=1e-5)
    pred = torch.as_tensor(pred[0])[::step, ::step]
    assert torch.equal(pred, case['simple_test'])


def with_cac_on_every_head(cfg: dict, proj_channel: int = 8) -> dict:
    """The config with CAC's branches and a ``CACLoss`` on the decode head
    and on every auxiliary head (each keeps its own pixel loss)."""
    cfg = copy.deepcopy(cfg)
    aux = cfg.get('auxiliary_head') or []
    for head in [cfg['decode_head'], *(aux if isinstance(aux, list)
                                       else [aux])]:
        pixel = head.get('loss_decode', dict(type='CrossEntropyLoss'))
        head['cac'] = dict(proj_channel=proj_channel, weight=1.0)
        head['loss_decode'] = [
            pixel,
            dict(type='CACLoss', loss_weight=0.4, max_sample=128,
                 threshold=10)
        ]
    return cfg


def cac_train_step(name: str) -> Tuple[dict, Dict[str, torch.nn.Module]]:
    """One CAC train step of the fixture's model (CAC on every head): the
    losses after ``backward`` and the heads by loss prefix, whose ``proj``
    hold grads."""
    from mmseg.models import build_segmentor

    case = load_case(name)
    model = build_segmentor(with_cac_on_every_head(case['config'])).train()
    img, gt, img_metas = seeded_inputs(case['img_shape'],
                                       case['num_classes'], case['seed'])
    losses = model.forward_train(img, img_metas, gt)
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    heads = dict(decode=model.decode_head)
    if model.with_auxiliary_head:
        aux = model.auxiliary_head
        if isinstance(aux, torch.nn.ModuleList):
            heads.update((f'aux_{i}', head) for i, head in enumerate(aux))
        else:
            heads['aux'] = aux
    return losses, heads


def assert_cac_trains(name: str) -> None:
    """Every head of the fixture's model trains with CAC: finite losses,
    a positive ``loss_cac`` on the decode head, and gradients that reach
    ``proj`` wherever the head had enough pixels for anchors."""
    losses, heads = cac_train_step(name)
    assert all(torch.isfinite(v).all() for k, v in losses.items()
               if 'loss' in k)
    assert losses['decode.loss_cac'] > 0
    for prefix, head in heads.items():
        assert head.with_cac, prefix
        grad = head.proj[1].module.conv.weight.grad
        assert (grad is not None and bool(grad.abs().sum() > 0)) == bool(
            losses[f'{prefix}.loss_cac'] > 0), prefix
