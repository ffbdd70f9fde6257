"""Train and test a tiny config the way MMSeg 0.28 scripts do: the mmcv 1.x
names are imported before any mmseg module.

Usage: python train_028_style.py CONFIG DATA_ROOT WORK_DIR
Prints one JSON line: the test mIoU and the rank info.
"""
import json
import sys

from mmcv.cnn.utils import revert_sync_batchnorm
from mmcv.parallel import MMDataParallel
from mmcv.runner import get_dist_info, init_dist  # noqa: F401
from mmcv.utils import Config, DictAction  # noqa: F401

from mmseg.apis import single_gpu_test, train_segmentor  # noqa: E402
from mmseg.datasets import build_dataloader, build_dataset  # noqa: E402
from mmseg.models import build_segmentor  # noqa: E402

config, data_root, work_dir = sys.argv[1:4]
cfg = Config.fromfile(config)
for split in ('train', 'val', 'test'):
    cfg.data[split].data_root = data_root
cfg.data.train.pipeline[3].crop_size = (64, 64)
cfg.data.train.pipeline[7].size = (64, 64)
cfg.merge_from_dict({'runner.max_iters': 2, 'data.samples_per_gpu': 2,
                     'data.workers_per_gpu': 0, 'log_config.interval': 1,
                     'checkpoint_config.interval': 2})
cfg.work_dir = work_dir
cfg.seed = 0

model = revert_sync_batchnorm(build_segmentor(cfg.model))
model.init_weights()
train_segmentor(model, [build_dataset(cfg.data.train)], cfg,
                distributed=False, validate=False)
dataset = build_dataset(cfg.data.test)
loader = build_dataloader(dataset, samples_per_gpu=1, workers_per_gpu=0,
                          dist=False, shuffle=False)
results = single_gpu_test(MMDataParallel(model), loader, pre_eval=True)
metrics = dataset.evaluate(results, logger='silent')
print(json.dumps(dict(mIoU=metrics['mIoU'],
                      rank=list(get_dist_info()))))
