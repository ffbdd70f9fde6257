_base_ = ['./setr_mla_512x512_160k_b8_ade20k.py']

# 8 GPUs x 2 images
data = dict(samples_per_gpu=2)
