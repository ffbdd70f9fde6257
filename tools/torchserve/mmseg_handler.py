"""TorchServe handler: images in, label maps (PNG) out.

Loaded by TorchServe from a .mar made by mmseg2torchserve.py; the archive's
folder holds the checkpoint and config.py.
"""
import base64
import os.path as osp

import cv2
import mmcv
import numpy as np
import torch
from mmengine.model import revert_sync_batchnorm
from ts.torch_handler.base_handler import BaseHandler

from mmseg.apis import inference_segmentor, init_segmentor


class MMsegHandler(BaseHandler):
    """Segments each request's image; answers its label map as PNG."""

    def initialize(self, context) -> None:
        properties = context.system_properties
        gpu = properties.get('gpu_id')
        self.device = f'cuda:{gpu}' if torch.cuda.is_available() and \
            gpu is not None else 'cpu'
        model_dir = properties['model_dir']
        checkpoint = osp.join(model_dir,
                              context.manifest['model']['serializedFile'])
        self.model = revert_sync_batchnorm(init_segmentor(
            osp.join(model_dir, 'config.py'), checkpoint, self.device))
        self.initialized = True

    def preprocess(self, data: list) -> list:
        """Decode each request's image (raw or base64 bytes) to BGR."""
        images = []
        for row in data:
            image = row.get('data') or row.get('body')
            if isinstance(image, str):
                image = base64.b64decode(image)
            images.append(mmcv.imfrombytes(image))
        return images

    def inference(self, data: list, *args, **kwargs) -> list:
        return [inference_segmentor(self.model, img)[0] for img in data]

    def postprocess(self, data: list) -> list:
        """Each label map as PNG bytes (one uint8 channel)."""
        output = []
        for label_map in data:
            ok, buffer = cv2.imencode('.png', label_map.astype(np.uint8))
            if not ok:
                raise ValueError('could not encode the label map as PNG')
            output.append(buffer.tobytes())
        return output
