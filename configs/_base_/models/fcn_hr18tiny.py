# A small HRNet-W18 (one module and one block per stage) for the CPU quick
# start and tests; same layout and keys as fcn_hr18.py.
_base_ = './fcn_hr18.py'
model = dict(
    pretrained=None,
    backbone=dict(
        extra=dict(
            stage1=dict(num_blocks=(1, ), num_channels=(32, )),
            stage2=dict(num_blocks=(1, 1)),
            stage3=dict(num_modules=1, num_blocks=(1, 1, 1)),
            stage4=dict(num_modules=1, num_blocks=(1, 1, 1, 1)))))
