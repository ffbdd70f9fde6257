from .evaluation import eval_metrics, get_classes, get_palette, mean_iou  # noqa: F401,E501
from .optimizer import build_optimizer, build_optimizer_constructor  # noqa: F401,E501
from .seg import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
