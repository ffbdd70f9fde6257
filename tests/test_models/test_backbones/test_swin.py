import torch
import torch.nn.functional as F

from mmseg.models import build_backbone
from mmseg.models.utils import PatchMerging
from mmseg.models.utils.swin_checkpoint import convert_official_swin

TINY = dict(type='SwinTransformer', embed_dims=8, depths=(2, 2),
            num_heads=(1, 2), strides=(4, 2), out_indices=(0, 1),
            window_size=4, drop_path_rate=0.)


def official_merging(x, hw_shape, norm_weight, norm_bias, reduction):
    """Patch merging as the official Swin code concatenates a 2x2 group:
    (0,0), (1,0), (0,1), (1,1) (row, col), channel-minor."""
    h, w = hw_shape
    x = x.view(x.shape[0], h, w, -1)
    x = torch.cat([x[:, 0::2, 0::2], x[:, 1::2, 0::2], x[:, 0::2, 1::2],
                   x[:, 1::2, 1::2]], dim=-1).flatten(1, 2)
    x = F.layer_norm(x, x.shape[-1:], norm_weight, norm_bias)
    return x @ reduction.t()


def to_official(state_dict):
    """Our keys and merging layout back in the official format."""
    official = {}
    for key, value in state_dict.items():
        if key.startswith('norm') or key.endswith('relative_position_index'):
            continue
        if '.downsample.reduction.' in key:
            out_channels, in_channels = value.shape
            value = value.reshape(out_channels, in_channels // 4, 4)
            value = value.transpose(1, 2)[:, [0, 2, 1, 3]].reshape(
                out_channels, in_channels)
        elif '.downsample.norm.' in key:
            value = value.reshape(-1, 4).t()[[0, 2, 1, 3]].reshape(-1)
        key = key.replace('patch_embed.projection.', 'patch_embed.proj.')
        key = key.replace('stages.', 'layers.').replace('.w_msa.', '.')
        key = key.replace('.ffn.layers.0.0.', '.mlp.fc1.')
        key = key.replace('.ffn.layers.1.', '.mlp.fc2.')
        official[key] = value.clone()
    official['head.weight'] = torch.rand(10, 16)
    return official


def test_converted_merging_weights_compute_the_official_merging():
    torch.manual_seed(0)
    norm_weight, norm_bias = torch.rand(32), torch.rand(32)
    reduction = torch.rand(16, 32)
    converted = convert_official_swin({
        'layers.0.downsample.norm.weight': norm_weight,
        'layers.0.downsample.norm.bias': norm_bias,
        'layers.0.downsample.reduction.weight': reduction})
    merging = PatchMerging(8, 16)
    merging.load_state_dict({
        k[len('stages.0.downsample.'):]: v for k, v in converted.items()})
    x = torch.rand(2, 6 * 10, 8)
    out, hw_shape = merging(x, (6, 10))
    assert hw_shape == (3, 5)
    torch.testing.assert_close(
        out, official_merging(x, (6, 10), norm_weight, norm_bias, reduction))


def test_pretrained_official_checkpoint_is_converted_on_load(tmp_path):
    torch.manual_seed(0)
    source = build_backbone(TINY)
    path = tmp_path / 'swin_official.pth'
    torch.save({'model': to_official(source.state_dict())}, path)
    model = build_backbone(dict(TINY, pretrained=str(path)))
    model.init_weights()
    own = model.state_dict()
    for key, value in source.state_dict().items():
        if not key.startswith('norm'):  # not in official checkpoints
            torch.testing.assert_close(own[key], value, msg=key)


def test_bias_tables_are_resized_to_the_window(tmp_path):
    source = build_backbone(dict(TINY, window_size=7))
    state = {k: v for k, v in source.state_dict().items()
             if 'relative_position' not in k}
    key = 'stages.1.blocks.0.attn.w_msa.relative_position_bias_table'
    state[key] = torch.full((13 * 13, 2), 0.5)
    path = tmp_path / 'swin.pth'
    torch.save({'state_dict': {f'backbone.{k}': v
                               for k, v in state.items()}}, path)
    model = build_backbone(dict(TINY, pretrained=str(path)))
    model.init_weights()
    table = model.state_dict()[key]
    assert table.shape == (7 * 7, 2)
    torch.testing.assert_close(table, torch.full((49, 2), 0.5))


def test_outputs_cover_sizes_not_divisible_by_patch_or_window():
    model = build_backbone(TINY)
    outs = model(torch.rand(1, 3, 62, 90))
    assert [tuple(o.shape) for o in outs] == [(1, 8, 16, 23),
                                              (1, 16, 8, 12)]


def test_relative_position_index_pairs_offsets():
    attn = build_backbone(TINY).stages[0].blocks[0].attn.w_msa
    index = attn.relative_position_index
    assert index.shape == (16, 16)
    assert torch.all(index.diagonal() == 3 * 7 + 3)  # zero offset
    assert index[0, 15] == 0 and index[15, 0] == 48  # (-3,-3), (3,3)


def test_frozen_stages_stop_gradients():
    model = build_backbone(dict(TINY, frozen_stages=1))
    model.train()
    frozen = [model.patch_embed, model.stages[0], model.norm0]
    assert not any(p.requires_grad for m in frozen for p in m.parameters())
    assert not model.stages[0].training
    assert all(p.requires_grad for p in model.stages[1].parameters())


def test_shifted_blocks_alternate():
    model = build_backbone(TINY)
    assert [b.attn.shift_size for b in model.stages[0].blocks] == [0, 2]


def test_with_cp_gives_same_outputs():
    torch.manual_seed(0)
    plain = build_backbone(TINY)
    checkpointed = build_backbone(dict(TINY, with_cp=True))
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.rand(1, 3, 32, 32, requires_grad=True)
    torch.testing.assert_close(checkpointed(x)[-1], plain(x)[-1])
