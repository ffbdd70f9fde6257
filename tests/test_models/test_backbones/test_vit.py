"""VisionTransformer: 0.28 parity (tests/data/reference_028: tiny ViT
segmentors with every ViT neck and head, made with MMSeg 0.28.0 on CPU),
position-embedding interpolation, outputs, pretrained loading."""
import warnings

import pytest
import torch

from mmseg.models import build_segmentor
from mmseg.models.backbones import VisionTransformer
from mmseg.models.backbones.vit import TransformerEncoderLayer
from tests.conftest import REPO_ROOT
from tests.helpers import metas

FIXTURES = REPO_ROOT / 'tests' / 'data' / 'reference_028'
CASES = ['vit_upernet', 'setr_naive', 'setr_pup', 'setr_mla', 'dpt',
         'dpt_add', 'segmenter']


def tiny_vit(**kwargs) -> VisionTransformer:
    cfg = dict(img_size=32, patch_size=8, embed_dims=16, num_layers=2,
               num_heads=2)
    cfg.update(kwargs)
    return VisionTransformer(**cfg)


def unpack(packed: dict) -> dict:
    """A state dict stored as one float16 tensor with names, shapes and
    dtypes (the 0.28 weights were rounded to float16 before the outputs
    were computed, so this is exact)."""
    state, start = {}, 0
    for key, shape, dtype in zip(packed['keys'], packed['shapes'],
                                 packed['dtypes']):
        size = torch.Size(shape).numel()
        state[key] = packed['flat'][start:start + size].reshape(shape).to(
            getattr(torch, dtype))
        start += size
    assert start == packed['flat'].numel()
    return state


@pytest.mark.parametrize('case', CASES)
def test_matches_028_fixture(case):
    ref = torch.load(FIXTURES / f'{case}.pt', weights_only=False)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        model = build_segmentor(ref['config'])
    model.load_state_dict(unpack(ref['state_dict']), strict=True)
    assert sum(p.numel() for p in model.parameters()) == ref['num_params']
    img, gt = ref['img'], ref['gt'].long()
    img_metas = metas(2, *img.shape[2:])
    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(img, img_metas)
    # the input (24x32) is not img_size (64x64): pos_embed is interpolated.
    # The logits reach ~200: allow float32 rounding of sums in another order
    scale = ref['logits'].abs().max().item()
    torch.testing.assert_close(logits, ref['logits'], rtol=1e-5,
                               atol=1e-5 + 1e-6 * scale)
    model.train()
    for m in model.modules():  # 0.28's losses were taken without dropout
        if isinstance(m, (torch.nn.Dropout, torch.nn.Dropout2d)):
            m.p = 0.0
        if hasattr(m, 'drop_prob'):
            m.drop_prob = 0.0
    losses = model.forward_train(img, img_metas, gt)
    assert set(losses) == set(ref['losses'])
    for key, value in ref['losses'].items():
        torch.testing.assert_close(losses[key].detach(), value, atol=1e-5,
                                   rtol=1e-5)


def test_028_state_dict_keys():
    vit = tiny_vit(final_norm=True, patch_norm=True)
    keys = set(vit.state_dict())
    assert {'cls_token', 'pos_embed', 'patch_embed.projection.weight',
            'patch_embed.norm.weight', 'layers.1.ln1.weight',
            'layers.1.attn.attn.in_proj_weight',
            'layers.1.attn.attn.out_proj.bias', 'layers.1.ln2.bias',
            'layers.1.ffn.layers.0.0.weight', 'layers.1.ffn.layers.1.bias',
            'ln1.weight'} <= keys
    assert vit.pos_embed.shape == (1, 17, 16)
    assert 'ln1.weight' not in tiny_vit().state_dict()


def test_outputs_and_class_token():
    x = torch.rand(2, 3, 32, 48)
    (last, ) = tiny_vit()(x)
    assert last.shape == (2, 16, 4, 6)
    outs = tiny_vit(out_indices=(0, 1), output_cls_token=True)(x)
    assert len(outs) == 2
    feat, cls_token = outs[1]
    assert feat.shape == (2, 16, 4, 6) and cls_token.shape == (2, 16)
    (no_cls, ) = tiny_vit(with_cls_token=False)(x)
    assert no_cls.shape == (2, 16, 4, 6)


def test_pos_embed_interpolated_for_other_sizes():
    vit = tiny_vit(interpolate_mode='bilinear')
    torch.nn.init.normal_(vit.pos_embed)
    resized = VisionTransformer.resize_pos_embed(vit.pos_embed, (2, 3),
                                                 (4, 4), 'bilinear')
    assert resized.shape == (1, 7, 16)
    assert torch.equal(resized[:, 0], vit.pos_embed[:, 0])
    tokens = torch.zeros(1, 7, 16)
    vit.eval()
    torch.testing.assert_close(
        vit._pos_embeding(tokens, (2, 3), vit.pos_embed), resized)
    with pytest.raises(ValueError, match='does not fit img_size'):
        vit._pos_embeding(tokens, (2, 3), vit.pos_embed[:, :9])


def test_bad_arguments_say_what_to_fix():
    with pytest.raises(ValueError, match='needs with_cls_token=True'):
        tiny_vit(with_cls_token=False, output_cls_token=True)
    with pytest.raises(ValueError, match='img_size'):
        tiny_vit(img_size=(32, 32, 32))
    with pytest.raises(TypeError, match='out_indices'):
        tiny_vit(out_indices='last')
    with pytest.raises(AssertionError, match='init_cfg and pretrained'):
        tiny_vit(pretrained='a.pth', init_cfg=dict(type='Pretrained'))


@pytest.mark.parametrize('how', ['pretrained', 'init_cfg'])
def test_missing_pretrained_file_says_where_it_comes_from(tmp_path, how):
    path = str(tmp_path / 'pretrain' / 'jx_vit_base_p16_224-80ecf9dd.pth')
    vit = tiny_vit(pretrained=path) if how == 'pretrained' else tiny_vit(
        init_cfg=dict(type='Pretrained', checkpoint=path))
    with pytest.raises(FileNotFoundError, match=r'vit2mmseg\.py.*put the'):
        vit.init_weights()


def test_pretrained_pos_embed_resized_on_load(tmp_path):
    source = tiny_vit(img_size=16)  # a 2x2 grid of positions
    torch.nn.init.normal_(source.pos_embed)
    path = tmp_path / 'vit.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    vit = tiny_vit(pretrained=str(path), interpolate_mode='bicubic')
    vit.init_weights()
    expected = VisionTransformer.resize_pos_embed(source.pos_embed, (4, 4),
                                                  (2, 2), 'bicubic')
    torch.testing.assert_close(vit.pos_embed.data, expected)
    torch.testing.assert_close(vit.layers[1].ffn.layers[1].weight,
                               source.layers[1].ffn.layers[1].weight)


def test_jax_init_and_norm_eval():
    vit = tiny_vit(norm_eval=True)
    vit.init_weights()
    assert vit.pos_embed.std() > 0 and vit.cls_token.std() > 0
    assert torch.all(vit.layers[0].attn.attn.out_proj.bias == 0)
    assert vit.layers[0].ffn.layers[1].bias.abs().max() < 1e-4
    assert vit.layers[0].ffn.layers[1].bias.abs().max() > 0
    vit.train()
    assert vit.training and not vit.layers[0].ln1.training


def test_with_cp_gives_the_same_outputs_and_gradients():
    torch.manual_seed(0)
    plain = TransformerEncoderLayer(16, 2, 32)
    checkpointed = TransformerEncoderLayer(16, 2, 32, with_cp=True)
    checkpointed.load_state_dict(plain.state_dict())
    x = torch.rand(2, 5, 16, requires_grad=True)
    out = plain(x)
    out.sum().backward()
    grad = x.grad.clone()
    x.grad = None
    out_cp = checkpointed(x)
    out_cp.sum().backward()
    torch.testing.assert_close(out_cp, out)
    torch.testing.assert_close(x.grad, grad)


def test_full_size_vit_b_on_meta_device():
    with torch.device('meta'):
        vit = VisionTransformer(img_size=(512, 512), out_indices=(2, 5, 8,
                                                                  11))
    # 0.28: 86,433,024 parameters for this configuration
    assert sum(p.numel() for p in vit.parameters()) == 86433024
