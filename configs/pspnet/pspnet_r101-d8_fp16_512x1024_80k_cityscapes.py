_base_ = './pspnet_r101-d8_512x1024_80k_cityscapes.py'
optimizer_config = dict(type='Fp16OptimizerHook', loss_scale=512.)
fp16 = dict()
