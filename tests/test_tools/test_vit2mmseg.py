"""tools/model_converters/vit2mmseg.py on a state dict with timm's ViT key
names and shapes (and DeiT's ``model`` wrapper)."""
import pytest
import torch

from mmseg.cli import UsageError
from mmseg.models.backbones import VisionTransformer
from tests.runs import load_tool

EMBED, LAYERS, PATCH, GRID = 8, 2, 4, 4


def timm_state() -> dict:
    """What timm's ``vit_*_patch4`` (embed 8, 2 blocks, 16+1 tokens,
    10 classes) saves."""
    state = {'cls_token': (1, 1, EMBED), 'pos_embed': (1, GRID**2 + 1, EMBED),
             'patch_embed.proj.weight': (EMBED, 3, PATCH, PATCH),
             'patch_embed.proj.bias': (EMBED, ), 'norm.weight': (EMBED, ),
             'norm.bias': (EMBED, ), 'head.weight': (10, EMBED),
             'head.bias': (10, )}
    for i in range(LAYERS):
        b = f'blocks.{i}.'
        state.update({
            b + 'norm1.weight': (EMBED, ), b + 'norm1.bias': (EMBED, ),
            b + 'attn.qkv.weight': (3 * EMBED, EMBED),
            b + 'attn.qkv.bias': (3 * EMBED, ),
            b + 'attn.proj.weight': (EMBED, EMBED),
            b + 'attn.proj.bias': (EMBED, ),
            b + 'norm2.weight': (EMBED, ), b + 'norm2.bias': (EMBED, ),
            b + 'mlp.fc1.weight': (4 * EMBED, EMBED),
            b + 'mlp.fc1.bias': (4 * EMBED, ),
            b + 'mlp.fc2.weight': (EMBED, 4 * EMBED),
            b + 'mlp.fc2.bias': (EMBED, )})
    return {k: torch.randn(shape) for k, shape in state.items()}


@pytest.mark.parametrize('wrapper', ['state_dict', 'model', None])
def test_converted_file_loads_strictly(tmp_path, wrapper):
    tool = load_tool('model_converters/vit2mmseg.py')
    state = timm_state()
    src, dst = tmp_path / 'timm.pth', tmp_path / 'pretrain' / 'vit.pth'
    torch.save(state if wrapper is None else {wrapper: state}, src)
    tool.main([str(src), str(dst)])
    converted = torch.load(dst, weights_only=True)
    vit = VisionTransformer(img_size=GRID * PATCH, patch_size=PATCH,
                            embed_dims=EMBED, num_layers=LAYERS, num_heads=2,
                            final_norm=True)
    vit.load_state_dict(converted, strict=True)
    assert torch.equal(vit.layers[1].attn.attn.in_proj_weight,
                       state['blocks.1.attn.qkv.weight'])
    assert torch.equal(vit.layers[0].ffn.layers[1].bias,
                       state['blocks.0.mlp.fc2.bias'])
    assert torch.equal(vit.ln1.weight, state['norm.weight'])
    assert torch.equal(vit.patch_embed.projection.weight,
                       state['patch_embed.proj.weight'])


def test_the_converted_file_is_a_pretrained_checkpoint(tmp_path):
    tool = load_tool('model_converters/vit2mmseg.py')
    state = timm_state()
    torch.save(state, tmp_path / 'timm.pth')
    tool.main([str(tmp_path / 'timm.pth'), str(tmp_path / 'vit.pth')])
    # a larger image size than the checkpoint's: pos_embed is resized
    vit = VisionTransformer(img_size=8 * PATCH, patch_size=PATCH,
                            embed_dims=EMBED, num_layers=LAYERS, num_heads=2,
                            pretrained=str(tmp_path / 'vit.pth'))
    vit.init_weights()
    assert vit.pos_embed.shape == (1, 65, EMBED)
    assert torch.equal(vit.pos_embed[0, 0], state['pos_embed'][0, 0])
    assert torch.equal(vit.layers[1].ln2.bias, state['blocks.1.norm2.bias'])


def test_not_a_vit_checkpoint(tmp_path):
    tool = load_tool('model_converters/vit2mmseg.py')
    torch.save({'conv1.weight': torch.zeros(1)}, tmp_path / 'r50.pth')
    with pytest.raises(UsageError, match='no timm ViT weights'):
        tool.main([str(tmp_path / 'r50.pth'), str(tmp_path / 'out.pth')])
