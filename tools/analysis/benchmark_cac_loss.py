"""Time CACLoss (forward + backward) against a per-class loop baseline.

The baseline computes the same loss the way the original implementation is
organised: a Python loop over images and classes that selects anchors with
``nonzero`` and ``argsort`` (a host sync per class), then one contrastive
matrix. Both run on identical inputs in the same process, so the printed
ratio is a like-for-like speed-up.

    python tools/analysis/benchmark_cac_loss.py [--device cuda] [--repeat 20]

With ``--memory-size M`` it times the loss with a full cross-image memory
of M anchors per class against the same loss without memory instead,
alternating the two in each round, and prints the memory's footprint.
"""
import argparse
import statistics

import torch
import torch.nn.functional as F

from mmseg.models import build_loss
from mmseg.models.losses.cac_memory import CACMemory
from mmseg.utils.profiling import peak_memory_mib, timed_call


def make_inputs(args, device):
    """Blocky labels (like street scenes) and logits right ~70% of the time."""
    g = torch.Generator().manual_seed(0)
    b, c = args.batch, args.classes
    (h, w), (lh, lw) = args.size, args.label_size
    blocks = torch.randint(0, c, (b, 1, lh // 32, lw // 32), generator=g)
    label = F.interpolate(blocks.float(), size=(lh, lw),
                          mode='nearest')[:, 0].long()
    label[torch.rand(label.shape, generator=g) < 0.05] = 255
    small = F.interpolate(label[:, None].float(), size=(h, w),
                          mode='nearest')[:, 0].long().clamp(max=c - 1)
    predict = torch.randn(b, c, h, w, generator=g)
    right = torch.rand(b, h, w, generator=g) < 0.7
    predict += 3 * F.one_hot(small, c).permute(0, 3, 1, 2) * right[:, None]
    feature = torch.randn(b, args.feat_dim, h, w, generator=g)
    weight_logit = torch.randn(b, c, h, w, generator=g)
    return [t.to(device) for t in (predict, feature, label, weight_logit)]


def per_class_loop_loss(loss_fn, predict, feature_map, label, weight_logit):
    """CAC with the original's control flow (sorted hard mining)."""
    b, c, h, w = predict.shape
    label = F.interpolate(label[:, None].float(), size=(h, w),
                          mode='nearest')[:, 0].long().reshape(b, -1)
    logits = predict.reshape(b, c, -1).transpose(1, 2)
    prob, pred = logits.softmax(-1), logits.argmax(-1)
    feats = F.normalize(feature_map.reshape(b, -1, h * w).transpose(1, 2),
                        dim=-1)
    wprob = weight_logit.reshape(b, c, -1).transpose(1, 2).softmax(-1)
    classes = []
    for i in range(b):
        present = [k for k in torch.unique(label[i]).tolist()
                   if k != 255 and (label[i] == k).sum() > loss_fn.threshold]
        classes.append(present)
    total = sum(len(x) for x in classes)
    n_view = min(loss_fn.max_sample // total, loss_fn.threshold)
    picked_f, picked_y, picked_w = [], [], []
    for i in range(b):
        for k in classes[i]:
            hard = ((label[i] == k) & (pred[i] != k)).nonzero()[:, 0]
            easy = ((label[i] == k) & (pred[i] == k)).nonzero()[:, 0]
            nh, ne = len(hard), len(easy)
            if nh >= n_view / 2 and ne >= n_view / 2:
                kh, ke = n_view // 2, n_view - n_view // 2
            elif nh >= n_view / 2:
                kh, ke = n_view - ne, ne
            elif ne >= n_view / 2:
                kh, ke = nh, n_view - nh
            else:
                kh, ke = nh, ne
            hard = hard[prob[i, hard, k].argsort(descending=True)[:kh]]
            easy = easy[prob[i, easy, k].argsort()[:ke]]
            idx = torch.cat([hard, easy])
            picked_f.append(feats[i, idx])
            picked_y.append(label[i, idx])
            picked_w.append(wprob[i, idx])
    return loss_fn._contrastive(torch.cat(picked_f), torch.cat(picked_y),
                                torch.cat(picked_w)) * loss_fn.loss_weight


def prepared_call(fn, inputs):
    """forward+backward of ``fn`` on fresh leaves, ready to be called."""
    feature = inputs[1].clone().requires_grad_()
    weight = inputs[3].clone().requires_grad_()
    return lambda: fn(inputs[0], feature, inputs[2], weight).backward()


def time_fn(fn, inputs, args, device):
    """Median seconds of forward+backward, and its peak memory (MiB)."""
    times = []
    for i in range(args.warmup + args.repeat):
        _, seconds = timed_call(prepared_call(fn, inputs), device)
        if i >= args.warmup:
            times.append(seconds)
    return statistics.median(times), peak_memory_mib(
        prepared_call(fn, inputs), device)


def full_memory(args, device) -> CACMemory:
    """A memory holding ``memory_size`` random anchors of every class."""
    g = torch.Generator().manual_seed(1)
    memory = CACMemory(args.memory_size)
    n = args.memory_size * args.classes
    memory.enqueue(
        F.normalize(torch.randn(n, args.feat_dim, generator=g), dim=1).to(
            device),
        torch.arange(args.classes).repeat(args.memory_size).to(device),
        F.softmax(torch.randn(n, args.classes, generator=g), dim=1).to(
            device))
    return memory


def compare_memory(args, device, inputs, shape) -> dict:
    """Median fwd+bwd time and peak memory without and with the memory."""
    kwargs = dict(type='CACLoss', loss_weight=0.4, max_sample=args.max_sample,
                  threshold=args.threshold, hard_sort_hardmining=True,
                  easy_sort_hardmining=True)
    plain = build_loss(kwargs)
    with_memory = build_loss(dict(kwargs, memory_size=args.memory_size))
    # a full memory stays full: each call replaces as many entries as it adds
    with_memory.memory = full_memory(args, device)
    floats = args.classes * args.memory_size * (args.feat_dim + args.classes)
    print(f'CACLoss fwd+bwd on {device} ({shape}), memory of '
          f'{args.memory_size} per class: {args.classes} x '
          f'{args.memory_size} x ({args.feat_dim} + {args.classes}) = '
          f'{floats} floats = {floats * 4 / 2**20:.1f} MiB; '
          f'median of {args.repeat} interleaved rounds')
    times = {'off': [], 'on': []}
    for i in range(args.warmup + args.repeat):
        for name, fn in (('off', plain), ('on', with_memory)):
            _, seconds = timed_call(prepared_call(fn, inputs), device)
            if i >= args.warmup:
                times[name].append(seconds)
    off, on = (statistics.median(times[k]) for k in ('off', 'on'))
    off_mib, on_mib = (peak_memory_mib(prepared_call(fn, inputs), device)
                       for fn in (plain, with_memory))
    print(f'  memory off        {off * 1e3:9.2f} ms   peak memory '
          f'{off_mib:.0f} MiB')
    print(f'  memory on         {on * 1e3:9.2f} ms   peak memory '
          f'{on_mib:.0f} MiB')
    print(f'  ratio on / off    {on / off:9.2f}x')
    return dict(memory_off=off, memory_on=on, ratio=on / off,
                memory_floats=floats, memory_off_mib=off_mib,
                memory_on_mib=on_mib)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--classes', type=int, default=19)
    parser.add_argument('--size', type=int, nargs=2, default=(128, 256),
                        help='logit/feature map size')
    parser.add_argument('--label-size', type=int, nargs=2,
                        default=(512, 1024))
    parser.add_argument('--feat-dim', type=int, default=256)
    parser.add_argument('--max-sample', type=int, default=1024)
    parser.add_argument('--threshold', type=int, default=100)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeat', type=int, default=10)
    parser.add_argument('--no-baseline', action='store_true',
                        help='time only the vectorised loss')
    parser.add_argument('--memory-size', type=int, default=0,
                        help='compare with a full memory of this many '
                        'anchors per class instead of the loop baseline')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    device = torch.device(args.device)
    loss_fn = build_loss(dict(
        type='CACLoss', loss_weight=0.4, max_sample=args.max_sample,
        threshold=args.threshold, hard_sort_hardmining=True,
        easy_sort_hardmining=True))
    inputs = make_inputs(args, device)
    shape = (f'batch {args.batch}, {args.classes} classes, logits '
             f'{args.size[0]}x{args.size[1]}, {args.feat_dim}-d features, '
             f'labels {args.label_size[0]}x{args.label_size[1]}')
    if args.memory_size:
        return compare_memory(args, device, inputs, shape)
    print(f'CACLoss fwd+bwd on {device} ({shape}), median of '
          f'{args.repeat}')
    ours, ours_mem = time_fn(loss_fn, inputs, args, device)
    print(f'  vectorised        {ours * 1e3:9.2f} ms   peak memory '
          f'{ours_mem:.0f} MiB')
    if args.no_baseline:
        return dict(vectorised=ours, vectorised_mib=ours_mem)
    with torch.no_grad():
        a = loss_fn(*inputs)
        b = per_class_loop_loss(loss_fn, *inputs)
    assert torch.allclose(a, b, atol=1e-5), (a.item(), b.item())
    loop, loop_mem = time_fn(
        lambda *x: per_class_loop_loss(loss_fn, *x), inputs, args, device)
    print(f'  per-class loop    {loop * 1e3:9.2f} ms   peak memory '
          f'{loop_mem:.0f} MiB')
    print(f'  speed-up          {loop / ours:9.1f}x  (same loss value: '
          f'{a.item():.6f})')
    return dict(vectorised=ours, loop=loop, speedup=loop / ours,
                vectorised_mib=ours_mem, loop_mib=loop_mem)


if __name__ == '__main__':
    main()
