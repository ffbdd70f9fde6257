"""0.28's checkpoint converters: official key names and shapes in, weights
that load strictly into this toolbox's backbones out."""
import json
import os.path as osp

import pytest
import torch

from mmseg.models.backbones import (
    PCPVT,
    SVT,
    BEiT,
    MixVisionTransformer,
    SwinTransformer,
)
from tests.runs import load_tool

REF = osp.join(osp.dirname(__file__), '..', 'data', 'reference_028')


def run(tool: str, state_dict: dict, tmp_path, *extra) -> dict:
    src, dst = tmp_path / 'official.pth', tmp_path / 'out' / 'conv.pth'
    torch.save(dict(model=state_dict), src)
    load_tool(f'model_converters/{tool}.py').main([str(src), str(dst),
                                                   *extra])
    return torch.load(dst)


def linear(prefix: str, out_f: int, in_f: int, bias=True) -> dict:
    out = {f'{prefix}.weight': torch.randn(out_f, in_f)}
    if bias:
        out[f'{prefix}.bias'] = torch.randn(out_f)
    return out


def norm(prefix: str, channels: int) -> dict:
    return {f'{prefix}.weight': torch.randn(channels),
            f'{prefix}.bias': torch.randn(channels)}


def conv(prefix: str, out_c: int, in_c: int, k: int) -> dict:
    return {f'{prefix}.weight': torch.randn(out_c, in_c, k, k),
            f'{prefix}.bias': torch.randn(out_c)}


def test_beit2mmseg(tmp_path):
    c, layers = 8, 2
    model = BEiT(img_size=16, patch_size=8, embed_dims=c, num_layers=layers,
                 num_heads=2)
    official = dict(cls_token=torch.randn(1, 1, c),
                    **conv('patch_embed.proj', c, 3, 8))
    for i in range(layers):
        b = f'blocks.{i}'
        official.update({
            f'{b}.gamma_1': torch.randn(c), f'{b}.gamma_2': torch.randn(c),
            f'{b}.attn.q_bias': torch.randn(c),
            f'{b}.attn.v_bias': torch.randn(c),
            f'{b}.attn.relative_position_bias_table': torch.randn(12, 2),
            f'{b}.attn.relative_position_index':
                model.layers[i].attn.relative_position_index.clone(),
            **norm(f'{b}.norm1', c), **norm(f'{b}.norm2', c),
            **linear(f'{b}.attn.qkv', 3 * c, c, bias=False),
            **linear(f'{b}.attn.proj', c, c),
            **linear(f'{b}.mlp.fc1', 4 * c, c),
            **linear(f'{b}.mlp.fc2', c, 4 * c)})
    converted = run('beit2mmseg', official, tmp_path)
    model.load_state_dict(converted, strict=True)
    assert torch.equal(model.layers[1].ffn.layers[0][0].weight,
                       official['blocks.1.mlp.fc1.weight'])
    assert torch.equal(model.layers[0].ln2.bias,
                       official['blocks.0.norm2.bias'])


def test_mit2mmseg(tmp_path):
    model = MixVisionTransformer(embed_dims=4, num_layers=[1, 1, 1, 1],
                                 num_heads=[1, 1, 2, 2])
    dims, patches, srs = [4, 4, 8, 8], [7, 3, 3, 3], [8, 4, 2, 1]
    official = {**linear('head', 3, 8)}
    in_c = 3
    for s, (c, k, sr) in enumerate(zip(dims, patches, srs), start=1):
        b = f'block{s}.0'
        official.update({
            **conv(f'patch_embed{s}.proj', c, in_c, k),
            **norm(f'patch_embed{s}.norm', c),
            **norm(f'{b}.norm1', c), **norm(f'{b}.norm2', c),
            **linear(f'{b}.attn.q', c, c), **linear(f'{b}.attn.kv', 2 * c, c),
            **linear(f'{b}.attn.proj', c, c),
            **linear(f'{b}.mlp.fc1', 4 * c, c),
            f'{b}.mlp.dwconv.dwconv.weight': torch.randn(4 * c, 1, 3, 3),
            f'{b}.mlp.dwconv.dwconv.bias': torch.randn(4 * c),
            **linear(f'{b}.mlp.fc2', c, 4 * c), **norm(f'norm{s}', c)})
        if sr > 1:
            official.update({**conv(f'{b}.attn.sr', c, c, sr),
                             **norm(f'{b}.attn.norm', c)})
        in_c = c
    converted = run('mit2mmseg', official, tmp_path)
    model.load_state_dict(converted, strict=True)
    attn = model.layers[2][1][0].attn.attn
    torch.testing.assert_close(attn.in_proj_weight, torch.cat(
        [official['block3.0.attn.q.weight'],
         official['block3.0.attn.kv.weight']]))
    assert torch.equal(model.layers[0][1][0].ffn.layers[4].weight[..., 0, 0],
                       official['block1.0.mlp.fc2.weight'])


def test_swin2mmseg(tmp_path):
    model = SwinTransformer(embed_dims=4, depths=[1, 1], num_heads=[1, 2],
                            window_size=2, strides=(4, 2),
                            out_indices=(0, 1))
    official = {**conv('patch_embed.proj', 4, 3, 4),
                **norm('patch_embed.norm', 4), **linear('head', 5, 8)}
    for s, c in enumerate([4, 8]):
        b = f'layers.{s}.blocks.0'
        official.update({
            **norm(f'{b}.norm1', c), **norm(f'{b}.norm2', c),
            f'{b}.attn.relative_position_bias_table': torch.randn(9, s + 1),
            f'{b}.attn.relative_position_index': model.stages[s].blocks[0]
            .attn.w_msa.relative_position_index.clone(),
            **linear(f'{b}.attn.qkv', 3 * c, c),
            **linear(f'{b}.attn.proj', c, c),
            **linear(f'{b}.mlp.fc1', 4 * c, c),
            **linear(f'{b}.mlp.fc2', c, 4 * c)})
    official.update({**linear('layers.0.downsample.reduction', 8, 16,
                              bias=False),
                     **norm('layers.0.downsample.norm', 16)})
    converted = run('swin2mmseg', official, tmp_path)
    # official checkpoints have one final 'norm'; the per-output norms
    # norm0 / norm1 are this model's (and 0.28's) own, as in 0.28
    missing, unexpected = model.load_state_dict(converted, strict=False)
    assert sorted(missing) == ['norm0.bias', 'norm0.weight', 'norm1.bias',
                               'norm1.weight'] and unexpected == []


def _twins_official(model: str, dims, depths, srs) -> dict:
    official = {**linear('head', 3, dims[-1])}
    in_c = 3
    for k, (c, depth, sr) in enumerate(zip(dims, depths, srs)):
        official.update({**conv(f'patch_embeds.{k}.proj', c, in_c,
                                4 if k == 0 else 2),
                         **norm(f'patch_embeds.{k}.norm', c),
                         **conv(f'pos_block.{k}.proj.0', c, 1, 3)})
        for i in range(depth):
            b = f'blocks.{k}.{i}'
            official.update({
                **norm(f'{b}.norm1', c), **norm(f'{b}.norm2', c),
                **linear(f'{b}.attn.proj', c, c),
                **linear(f'{b}.mlp.fc1', 4 * c, c),
                **linear(f'{b}.mlp.fc2', c, 4 * c)})
            if model == 'svt' and i % 2 == 0:
                official.update(linear(f'{b}.attn.qkv', 3 * c, c))
                continue
            official.update({**linear(f'{b}.attn.q', c, c),
                             **linear(f'{b}.attn.kv', 2 * c, c)})
            if sr > 1:
                official.update({**conv(f'{b}.attn.sr', c, c, sr),
                                 **norm(f'{b}.attn.norm', c)})
        in_c = c
    return official


@pytest.mark.parametrize('kind', ['pcpvt', 'svt'])
def test_twins2mmseg(kind, tmp_path):
    dims, depths = [4, 8, 8, 8], [2, 2, 1, 1]
    if kind == 'pcpvt':
        srs = [8, 4, 2, 1]
        model = PCPVT(embed_dims=dims, num_heads=[1, 1, 2, 2],
                      mlp_ratios=[4] * 4, depths=depths, sr_ratios=srs,
                      qkv_bias=True)
    else:
        srs = [4, 2, 1, 1]
        model = SVT(embed_dims=dims, num_heads=[1, 1, 2, 2],
                    mlp_ratios=[4] * 4, depths=depths, sr_ratios=srs,
                    windiow_sizes=[7] * 4, qkv_bias=True,
                    norm_after_stage=False)
    official = _twins_official(kind, dims, depths, srs)
    converted = run('twins2mmseg', official, tmp_path, kind)
    model.load_state_dict(converted, strict=True)
    first = model.layers[0][0].attn
    if kind == 'svt':
        assert torch.equal(first.proj.weight,
                           official['blocks.0.0.attn.proj.weight'])
    else:
        assert torch.equal(first.attn.out_proj.weight,
                           official['blocks.0.0.attn.proj.weight'])
    assert torch.equal(model.layers[0][1].attn.attn.out_proj.bias,
                       official['blocks.0.1.attn.proj.bias'])


@pytest.mark.parametrize('stdc', ['STDC1', 'STDC2'])
def test_stdc2mmseg_gives_028_stdcnet_keys(stdc, tmp_path):
    # 0.28's STDCNet keys and shapes (stored from the 0.28 environment;
    # this toolbox's STDCNet is written in parallel)
    with open(osp.join(REF, 'stdc_keys_028.json')) as f:
        expected = dict(json.load(f)[f'STDCNet{stdc[-1]}'])
    stages = load_tool('model_converters/stdc2mmseg.py').STAGES[stdc]
    official = {'cp.fc.weight': torch.zeros(10, 4)}
    for key, shape in expected.items():
        stage_id, rest = key[len('stages.'):].split('.', 1)
        if rest.split('.')[0].isdigit() and '.' in stage_id + rest and \
                stage_id in '234':
            block, rest = rest.split('.', 1)
            stage_id = f'{stage_id}.{block}'
        rest = rest.replace('layers', 'conv_list').replace(
            'downsample.conv', 'avd_layer.0').replace('downsample.bn',
                                                      'avd_layer.1')
        official[f'cp.features.{stages.index(stage_id)}.{rest}'] = \
            torch.zeros(shape)
    converted = run('stdc2mmseg', official, tmp_path, stdc)
    assert {k: list(v.shape) for k, v in converted.items()} == expected


def test_bad_model_argument_is_refused(tmp_path):
    with pytest.raises(SystemExit):
        run('twins2mmseg', {}, tmp_path, 'gvt')
