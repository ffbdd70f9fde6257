"""Training steps of a model in a MMSeg 0.28 environment, on request.

Run by ``benchmark_train.py --compare-028 ENV`` with ENV's own Python, so it
imports MMSeg 0.28 (and mmcv 1.x), never this project. It reads one JSON
request per line on stdin and answers one JSON line on stdout:

    {"cmd": "build", "name": N, "model": {...}, "optimizer": {...},
     "batch": 2, "crop": [H, W]}                      -> {"params": P}
    {"cmd": "step", "name": N, "n": K}                -> {"seconds": [...]}
    {"cmd": "quit"}

A step is what 0.28's runner does per iteration: ``model.train_step`` (the
forward, the losses and their parsing), ``zero_grad``, ``backward`` of the
summed loss and the optimizer's ``step``. Failures answer ``{"error": ...}``.
"""
import argparse
import json
import sys
import time
import traceback
import warnings


def make_step(request: dict):
    """A function running one 0.28 training step of the requested model."""
    import torch
    from mmcv.runner import build_optimizer

    from mmseg.models import build_segmentor

    model = build_segmentor(request['model']).train()
    optimizer = build_optimizer(model, request['optimizer'])
    h, w = request['crop']
    batch_size = request['batch']
    num_classes = model.decode_head.num_classes
    g = torch.Generator().manual_seed(0)
    data = dict(
        img=torch.randn(batch_size, 3, h, w, generator=g),
        img_metas=[dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                        pad_shape=(h, w, 3), flip=False)] * batch_size,
        gt_semantic_seg=torch.randint(0, num_classes, (batch_size, 1, h, w),
                                      generator=g))

    def step() -> float:
        start = time.perf_counter()
        outputs = model.train_step(data, optimizer)
        optimizer.zero_grad()
        outputs['loss'].backward()
        optimizer.step()
        return time.perf_counter() - start

    step.params = sum(p.numel() for p in model.parameters())
    return step


def serve(lines, reply) -> None:
    """Answer the requests in ``lines`` until ``quit``."""
    steps = {}
    for line in lines:
        request = json.loads(line)
        try:
            if request['cmd'] == 'quit':
                return
            if request['cmd'] == 'build':
                steps[request['name']] = make_step(request)
                reply(dict(params=steps[request['name']].params))
            elif request['cmd'] == 'step':
                step = steps[request['name']]
                reply(dict(seconds=[step() for _ in range(request['n'])]))
            else:
                reply(dict(error=f'unknown cmd {request["cmd"]!r}'))
        except Exception as error:  # noqa: BLE001 reported to the caller
            reply(dict(error=f'{type(error).__name__}: {error}',
                       traceback=traceback.format_exc()[-2000:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--threads', type=int, required=True,
                        help='torch intra-op threads, as in the caller')
    args = parser.parse_args()
    # anything the libraries print goes to stderr; stdout carries answers
    answers, sys.stdout = sys.stdout, sys.stderr

    def reply(answer: dict) -> None:
        answers.write(json.dumps(answer) + '\n')
        answers.flush()

    import torch
    torch.set_num_threads(args.threads)
    warnings.simplefilter('ignore')
    try:
        import mmcv

        import mmseg
        from mmseg.models.builder import HEADS, LOSSES
    except ImportError as error:
        reply(dict(error=f'cannot import MMSeg 0.28: {error}'))
        return
    if mmseg.__version__ != '0.28.0' or not mmcv.__version__.startswith('1.'):
        reply(dict(error=f'this Python has mmseg {mmseg.__version__} with '
                   f'mmcv {mmcv.__version__}, not mmseg 0.28.0 with mmcv 1.x'))
        return
    missing = [name for name, registry in (('CACFCNHead', HEADS),
                                           ('CACLoss', LOSSES))
               if registry.get(name) is None]
    if missing:
        reply(dict(error=f'the original CAC code is not registered in this '
                   f'mmseg 0.28 ({", ".join(missing)} missing)'))
        return
    reply(dict(ready=mmseg.__version__, threads=torch.get_num_threads()))
    serve(sys.stdin, reply)


if __name__ == '__main__':
    main()
