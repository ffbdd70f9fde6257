from .builder import OPTIMIZER_BUILDERS  # noqa: F401
from .evaluation import (  # noqa: F401
    DistEvalHook,
    EvalHook,
    eval_metrics,
    get_classes,
    get_palette,
    mean_iou,
)
from .optimizer import (  # noqa: F401
    DefaultOptimizerConstructor,
    build_optimizer,
    build_optimizer_constructor,
)
from .optimizers import (  # noqa: F401
    LayerDecayOptimizerConstructor,
    LearningRateDecayOptimizerConstructor,
)
from .seg import *  # noqa: F401,F403
from .utils import *  # noqa: F401,F403
