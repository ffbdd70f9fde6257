from .layer_decay_optimizer_constructor import (
    LayerDecayOptimizerConstructor,
    LearningRateDecayOptimizerConstructor,
)

__all__ = [
    'LearningRateDecayOptimizerConstructor', 'LayerDecayOptimizerConstructor'
]
