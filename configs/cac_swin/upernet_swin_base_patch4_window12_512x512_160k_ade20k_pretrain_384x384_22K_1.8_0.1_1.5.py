# UPerNet Swin-B (22K pretraining) on ADE20K plus CAC: the baseline's config
# with CAC's branches on the decode head and its loss (loss weight 1.8,
# temperature 0.1, confidence 1.5 as the paper uses on ADE20K); the CAC loss
# is off for the first 5000 iterations.
_base_ = ('../swin/'
          'upernet_swin_base_patch4_window12_'
          '512x512_160k_ade20k_pretrain_384x384_22K.py')
model = dict(
    decode_head=dict(
        cac=dict(proj_channel=256, weight=1.5),
        loss_decode=[
            dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0),
            dict(type='CACLoss', loss_weight=1.8, temperature=0.1,
                 hard_sort_hardmining=True, easy_sort_hardmining=True,
                 detach=False, max_sample=1024, threshold=100),
        ]))
custom_hooks = [
    dict(type='loss_weight_warmup_hook', start_iter=5000,
         loss_name='loss_cac')
]
