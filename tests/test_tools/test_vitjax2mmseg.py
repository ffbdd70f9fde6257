"""tools/model_converters/vitjax2mmseg.py on an .npz with the key names and
(Flax) shapes of the official JAX ViT / AugReg releases."""
import numpy as np
import pytest
import torch

from mmseg.cli import UsageError
from mmseg.models.backbones import VisionTransformer
from tests.runs import load_tool

EMBED, HEADS, LAYERS, PATCH, GRID = 8, 2, 3, 4, 2
HEAD_DIMS = EMBED // HEADS


def jax_arrays() -> dict:
    """What an AugReg ``*.npz`` holds for embed 8, 2 heads, 3 blocks."""
    shapes = {
        'cls': (1, 1, EMBED), 'embedding/kernel': (PATCH, PATCH, 3, EMBED),
        'embedding/bias': (EMBED, ),
        'Transformer/posembed_input/pos_embedding': (1, GRID**2 + 1, EMBED),
        'Transformer/encoder_norm/scale': (EMBED, ),
        'Transformer/encoder_norm/bias': (EMBED, ),
        'head/kernel': (EMBED, 10), 'head/bias': (10, )}
    for i in range(LAYERS):
        b = f'Transformer/encoderblock_{i}/'
        a = b + 'MultiHeadDotProductAttention_1/'
        for name in ('query', 'key', 'value'):
            shapes[f'{a}{name}/kernel'] = (EMBED, HEADS, HEAD_DIMS)
            shapes[f'{a}{name}/bias'] = (HEADS, HEAD_DIMS)
        shapes.update({
            a + 'out/kernel': (HEADS, HEAD_DIMS, EMBED),
            a + 'out/bias': (EMBED, ),
            b + 'LayerNorm_0/scale': (EMBED, ),
            b + 'LayerNorm_0/bias': (EMBED, ),
            b + 'LayerNorm_2/scale': (EMBED, ),
            b + 'LayerNorm_2/bias': (EMBED, ),
            b + 'MlpBlock_3/Dense_0/kernel': (EMBED, 4 * EMBED),
            b + 'MlpBlock_3/Dense_0/bias': (4 * EMBED, ),
            b + 'MlpBlock_3/Dense_1/kernel': (4 * EMBED, EMBED),
            b + 'MlpBlock_3/Dense_1/bias': (EMBED, )})
    rng = np.random.default_rng(0)
    return {k: rng.standard_normal(s).astype(np.float32)
            for k, s in shapes.items()}


@pytest.fixture()
def converted(tmp_path):
    arrays = jax_arrays()
    np.savez(tmp_path / 'augreg.npz', **arrays)
    tool = load_tool('model_converters/vitjax2mmseg.py')
    tool.main([str(tmp_path / 'augreg.npz'), str(tmp_path / 'vit.pth')])
    vit = VisionTransformer(img_size=GRID * PATCH, patch_size=PATCH,
                            embed_dims=EMBED, num_layers=LAYERS,
                            num_heads=HEADS, final_norm=True)
    vit.load_state_dict(torch.load(tmp_path / 'vit.pth', weights_only=True),
                        strict=True)
    return vit, {k: torch.from_numpy(v) for k, v in arrays.items()}


def test_layers_compute_what_flax_computes(converted):
    vit, w = converted
    attn = 'Transformer/encoderblock_1/MultiHeadDotProductAttention_1/'
    mha = vit.layers[1].attn.attn
    x = torch.randn(5, EMBED)
    # Flax DenseGeneral: x (n, e) with a kernel (e, heads, head_dims)
    for i, name in enumerate(('query', 'key', 'value')):
        flax = torch.einsum('ne,ehd->nhd', x, w[f'{attn}{name}/kernel']) + \
            w[f'{attn}{name}/bias']
        ours = torch.nn.functional.linear(
            x, mha.in_proj_weight[i * EMBED:(i + 1) * EMBED],
            mha.in_proj_bias[i * EMBED:(i + 1) * EMBED])
        torch.testing.assert_close(ours, flax.reshape(5, EMBED))
    heads = torch.randn(5, HEADS, HEAD_DIMS)
    flax_out = torch.einsum('nhd,hde->ne', heads, w[attn + 'out/kernel'])
    torch.testing.assert_close(mha.out_proj(heads.reshape(5, EMBED)),
                               flax_out + w[attn + 'out/bias'])
    dense = 'Transformer/encoderblock_1/MlpBlock_3/Dense_0/'
    torch.testing.assert_close(
        vit.layers[1].ffn.layers[0][0](x),
        x @ w[dense + 'kernel'] + w[dense + 'bias'])
    # the patch embedding: a stride-PATCH Flax conv on NHWC images
    img = torch.randn(1, 3, GRID * PATCH, GRID * PATCH)
    tokens, _ = vit.patch_embed(img)
    patch = img[0, :, :PATCH, :PATCH].permute(1, 2, 0)  # (kh, kw, in)
    first = torch.einsum('hwc,hwco->o', patch, w['embedding/kernel'])
    torch.testing.assert_close(tokens[0, 0], first + w['embedding/bias'])


def test_embeddings_and_norms(converted):
    vit, w = converted
    assert len(vit.layers) == LAYERS  # read from the file, not its name
    assert torch.equal(vit.cls_token, w['cls'])
    assert torch.equal(vit.pos_embed,
                       w['Transformer/posembed_input/pos_embedding'])
    assert torch.equal(vit.ln1.bias, w['Transformer/encoder_norm/bias'])
    assert torch.equal(vit.layers[2].ln2.weight,
                       w['Transformer/encoderblock_2/LayerNorm_2/scale'])


def test_not_a_jax_vit(tmp_path):
    np.savez(tmp_path / 'other.npz', weights=np.zeros(3))
    tool = load_tool('model_converters/vitjax2mmseg.py')
    with pytest.raises(UsageError, match='is it an official JAX ViT'):
        tool.main([str(tmp_path / 'other.npz'), str(tmp_path / 'out.pth')])
