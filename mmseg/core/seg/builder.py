from mmseg.registry import PIXEL_SAMPLERS


def build_pixel_sampler(cfg: dict, **default_args):
    """Build a pixel sampler; ``default_args`` usually holds ``context``."""
    return PIXEL_SAMPLERS.build(cfg, default_args=default_args)
