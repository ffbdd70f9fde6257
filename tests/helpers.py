"""Tiny model configs shared by the tests."""
import copy


def tiny_hrnet(norm='BN', **kwargs) -> dict:
    """A 4-stage HRNet small enough for CPU tests (outputs 8/16/32/64 ch)."""
    extra = dict(
        stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK',
                    num_blocks=(1, ), num_channels=(8, )),
        stage2=dict(num_modules=1, num_branches=2, block='BASIC',
                    num_blocks=(1, 1), num_channels=(8, 16)),
        stage3=dict(num_modules=1, num_branches=3, block='BASIC',
                    num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
        stage4=dict(num_modules=1, num_branches=4, block='BASIC',
                    num_blocks=(1, 1, 1, 1), num_channels=(8, 16, 32, 64)))
    return dict(type='HRNet', extra=extra,
                norm_cfg=dict(type=norm, requires_grad=True), **kwargs)


def tiny_fcn(num_classes=19, head_type='FCNHead', norm='BN', **head_kwargs):
    """An EncoderDecoder config: tiny HRNet + FCN-style head."""
    head = dict(type=head_type, in_channels=[8, 16, 32, 64],
                in_index=(0, 1, 2, 3), channels=24,
                input_transform='resize_concat', kernel_size=1, num_convs=1,
                concat_input=False, dropout_ratio=-1,
                num_classes=num_classes,
                norm_cfg=dict(type=norm, requires_grad=True),
                align_corners=False)
    head.update(head_kwargs)
    return dict(type='EncoderDecoder', backbone=tiny_hrnet(norm),
                decode_head=head, train_cfg=dict(),
                test_cfg=dict(mode='whole'))


def metas(n, h, w, **extra):
    """Meta dicts of ``n`` unpadded, unflipped (h, w) images."""
    meta = dict(img_shape=(h, w, 3), ori_shape=(h, w, 3),
                pad_shape=(h, w, 3), flip=False,
                scale_factor=[1.0, 1.0, 1.0, 1.0], **extra)
    return [copy.deepcopy(meta) for _ in range(n)]
