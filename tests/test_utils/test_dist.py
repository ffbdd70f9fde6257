import torch.distributed as dist

from mmseg.utils.dist import close_dist
from tests.runs import free_port


def test_close_dist_destroys_the_process_group():
    close_dist(True)  # no group: nothing to do
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{free_port()}',
                            rank=0, world_size=1)
    assert dist.is_initialized()
    close_dist(True)
    assert not dist.is_initialized()
