"""Class names and RGB palettes of the supported benchmarks.

The lists follow MMSegmentation 0.28 (including its spelling quirks such as
ADE20K's ``'bed '``), so checkpoints and result tables stay comparable.
"""
from typing import Dict, List, Tuple

_CITYSCAPES_CLASSES = (
    'road', 'sidewalk', 'building', 'wall', 'fence', 'pole', 'traffic light',
    'traffic sign', 'vegetation', 'terrain', 'sky', 'person', 'rider', 'car',
    'truck', 'bus', 'train', 'motorcycle', 'bicycle')

_CITYSCAPES_PALETTE = (
    (128, 64, 128), (244, 35, 232), (70, 70, 70), (102, 102, 156),
    (190, 153, 153), (153, 153, 153), (250, 170, 30), (220, 220, 0),
    (107, 142, 35), (152, 251, 152), (70, 130, 180), (220, 20, 60),
    (255, 0, 0), (0, 0, 142), (0, 0, 70), (0, 60, 100), (0, 80, 100),
    (0, 0, 230), (119, 11, 32))

_ADE_CLASSES = (
    'wall', 'building', 'sky', 'floor', 'tree', 'ceiling', 'road', 'bed ',
    'windowpane', 'grass', 'cabinet', 'sidewalk', 'person', 'earth', 'door',
    'table', 'mountain', 'plant', 'curtain', 'chair', 'car', 'water',
    'painting', 'sofa', 'shelf', 'house', 'sea', 'mirror', 'rug', 'field',
    'armchair', 'seat', 'fence', 'desk', 'rock', 'wardrobe', 'lamp', 'bathtub',
    'railing', 'cushion', 'base', 'box', 'column', 'signboard',
    'chest of drawers', 'counter', 'sand', 'sink', 'skyscraper', 'fireplace',
    'refrigerator', 'grandstand', 'path', 'stairs', 'runway', 'case',
    'pool table', 'pillow', 'screen door', 'stairway', 'river', 'bridge',
    'bookcase', 'blind', 'coffee table', 'toilet', 'flower', 'book', 'hill',
    'bench', 'countertop', 'stove', 'palm', 'kitchen island', 'computer',
    'swivel chair', 'boat', 'bar', 'arcade machine', 'hovel', 'bus', 'towel',
    'light', 'truck', 'tower', 'chandelier', 'awning', 'streetlight', 'booth',
    'television receiver', 'airplane', 'dirt track', 'apparel', 'pole', 'land',
    'bannister', 'escalator', 'ottoman', 'bottle', 'buffet', 'poster', 'stage',
    'van', 'ship', 'fountain', 'conveyer belt', 'canopy', 'washer',
    'plaything', 'swimming pool', 'stool', 'barrel', 'basket', 'waterfall',
    'tent', 'bag', 'minibike', 'cradle', 'oven', 'ball', 'food', 'step',
    'tank', 'trade name', 'microwave', 'pot', 'animal', 'bicycle', 'lake',
    'dishwasher', 'screen', 'blanket', 'sculpture', 'hood', 'sconce', 'vase',
    'traffic light', 'tray', 'ashcan', 'fan', 'pier', 'crt screen', 'plate',
    'monitor', 'bulletin board', 'shower', 'radiator', 'glass', 'clock',
    'flag')

_ADE_PALETTE = (
    (120, 120, 120), (180, 120, 120), (6, 230, 230), (80, 50, 50), (4, 200, 3),
    (120, 120, 80), (140, 140, 140), (204, 5, 255), (230, 230, 230),
    (4, 250, 7), (224, 5, 255), (235, 255, 7), (150, 5, 61), (120, 120, 70),
    (8, 255, 51), (255, 6, 82), (143, 255, 140), (204, 255, 4), (255, 51, 7),
    (204, 70, 3), (0, 102, 200), (61, 230, 250), (255, 6, 51), (11, 102, 255),
    (255, 7, 71), (255, 9, 224), (9, 7, 230), (220, 220, 220), (255, 9, 92),
    (112, 9, 255), (8, 255, 214), (7, 255, 224), (255, 184, 6), (10, 255, 71),
    (255, 41, 10), (7, 255, 255), (224, 255, 8), (102, 8, 255), (255, 61, 6),
    (255, 194, 7), (255, 122, 8), (0, 255, 20), (255, 8, 41), (255, 5, 153),
    (6, 51, 255), (235, 12, 255), (160, 150, 20), (0, 163, 255),
    (140, 140, 140), (250, 10, 15), (20, 255, 0), (31, 255, 0), (255, 31, 0),
    (255, 224, 0), (153, 255, 0), (0, 0, 255), (255, 71, 0), (0, 235, 255),
    (0, 173, 255), (31, 0, 255), (11, 200, 200), (255, 82, 0), (0, 255, 245),
    (0, 61, 255), (0, 255, 112), (0, 255, 133), (255, 0, 0), (255, 163, 0),
    (255, 102, 0), (194, 255, 0), (0, 143, 255), (51, 255, 0), (0, 82, 255),
    (0, 255, 41), (0, 255, 173), (10, 0, 255), (173, 255, 0), (0, 255, 153),
    (255, 92, 0), (255, 0, 255), (255, 0, 245), (255, 0, 102), (255, 173, 0),
    (255, 0, 20), (255, 184, 184), (0, 31, 255), (0, 255, 61), (0, 71, 255),
    (255, 0, 204), (0, 255, 194), (0, 255, 82), (0, 10, 255), (0, 112, 255),
    (51, 0, 255), (0, 194, 255), (0, 122, 255), (0, 255, 163), (255, 153, 0),
    (0, 255, 10), (255, 112, 0), (143, 255, 0), (82, 0, 255), (163, 255, 0),
    (255, 235, 0), (8, 184, 170), (133, 0, 255), (0, 255, 92), (184, 0, 255),
    (255, 0, 31), (0, 184, 255), (0, 214, 255), (255, 0, 112), (92, 255, 0),
    (0, 224, 255), (112, 224, 255), (70, 184, 160), (163, 0, 255),
    (153, 0, 255), (71, 255, 0), (255, 0, 163), (255, 204, 0), (255, 0, 143),
    (0, 255, 235), (133, 255, 0), (255, 0, 235), (245, 0, 255), (255, 0, 122),
    (255, 245, 0), (10, 190, 212), (214, 255, 0), (0, 204, 255), (20, 0, 255),
    (255, 255, 0), (0, 153, 255), (0, 41, 255), (0, 255, 204), (41, 0, 255),
    (41, 255, 0), (173, 0, 255), (0, 245, 255), (71, 0, 255), (122, 0, 255),
    (0, 255, 184), (0, 92, 255), (184, 255, 0), (0, 133, 255), (255, 214, 0),
    (25, 194, 194), (102, 255, 0), (92, 0, 255))

_PASCAL_CONTEXT_59_CLASSES = (
    'aeroplane', 'bag', 'bed', 'bedclothes', 'bench', 'bicycle', 'bird',
    'boat', 'book', 'bottle', 'building', 'bus', 'cabinet', 'car', 'cat',
    'ceiling', 'chair', 'cloth', 'computer', 'cow', 'cup', 'curtain', 'dog',
    'door', 'fence', 'floor', 'flower', 'food', 'grass', 'ground', 'horse',
    'keyboard', 'light', 'motorbike', 'mountain', 'mouse', 'person', 'plate',
    'platform', 'pottedplant', 'road', 'rock', 'sheep', 'shelves', 'sidewalk',
    'sign', 'sky', 'snow', 'sofa', 'table', 'track', 'train', 'tree', 'truck',
    'tvmonitor', 'wall', 'water', 'window', 'wood')

_PASCAL_CONTEXT_59_PALETTE = (
    (180, 120, 120), (6, 230, 230), (80, 50, 50), (4, 200, 3), (120, 120, 80),
    (140, 140, 140), (204, 5, 255), (230, 230, 230), (4, 250, 7),
    (224, 5, 255), (235, 255, 7), (150, 5, 61), (120, 120, 70), (8, 255, 51),
    (255, 6, 82), (143, 255, 140), (204, 255, 4), (255, 51, 7), (204, 70, 3),
    (0, 102, 200), (61, 230, 250), (255, 6, 51), (11, 102, 255), (255, 7, 71),
    (255, 9, 224), (9, 7, 230), (220, 220, 220), (255, 9, 92), (112, 9, 255),
    (8, 255, 214), (7, 255, 224), (255, 184, 6), (10, 255, 71), (255, 41, 10),
    (7, 255, 255), (224, 255, 8), (102, 8, 255), (255, 61, 6), (255, 194, 7),
    (255, 122, 8), (0, 255, 20), (255, 8, 41), (255, 5, 153), (6, 51, 255),
    (235, 12, 255), (160, 150, 20), (0, 163, 255), (140, 140, 140),
    (250, 10, 15), (20, 255, 0), (31, 255, 0), (255, 31, 0), (255, 224, 0),
    (153, 255, 0), (0, 0, 255), (255, 71, 0), (0, 235, 255), (0, 173, 255),
    (31, 0, 255))

_COCOSTUFF_CLASSES = (
    'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train',
    'truck', 'boat', 'traffic light', 'fire hydrant', 'stop sign',
    'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
    'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag',
    'tie', 'suitcase', 'frisbee', 'skis', 'snowboard', 'sports ball', 'kite',
    'baseball bat', 'baseball glove', 'skateboard', 'surfboard',
    'tennis racket', 'bottle', 'wine glass', 'cup', 'fork', 'knife', 'spoon',
    'bowl', 'banana', 'apple', 'sandwich', 'orange', 'broccoli', 'carrot',
    'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant',
    'bed', 'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote',
    'keyboard', 'cell phone', 'microwave', 'oven', 'toaster', 'sink',
    'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear',
    'hair drier', 'toothbrush', 'banner', 'blanket', 'branch', 'bridge',
    'building-other', 'bush', 'cabinet', 'cage', 'cardboard', 'carpet',
    'ceiling-other', 'ceiling-tile', 'cloth', 'clothes', 'clouds', 'counter',
    'cupboard', 'curtain', 'desk-stuff', 'dirt', 'door-stuff', 'fence',
    'floor-marble', 'floor-other', 'floor-stone', 'floor-tile', 'floor-wood',
    'flower', 'fog', 'food-other', 'fruit', 'furniture-other', 'grass',
    'gravel', 'ground-other', 'hill', 'house', 'leaves', 'light', 'mat',
    'metal', 'mirror-stuff', 'moss', 'mountain', 'mud', 'napkin', 'net',
    'paper', 'pavement', 'pillow', 'plant-other', 'plastic', 'platform',
    'playingfield', 'railing', 'railroad', 'river', 'road', 'rock', 'roof',
    'rug', 'salad', 'sand', 'sea', 'shelf', 'sky-other', 'skyscraper', 'snow',
    'solid-other', 'stairs', 'stone', 'straw', 'structural-other', 'table',
    'tent', 'textile-other', 'towel', 'tree', 'vegetable', 'wall-brick',
    'wall-concrete', 'wall-other', 'wall-panel', 'wall-stone', 'wall-tile',
    'wall-wood', 'water-other', 'waterdrops', 'window-blind', 'window-other',
    'wood')

_COCOSTUFF_PALETTE = (
    (0, 192, 64), (0, 192, 64), (0, 64, 96), (128, 192, 192), (0, 64, 64),
    (0, 192, 224), (0, 192, 192), (128, 192, 64), (0, 192, 96), (128, 192, 64),
    (128, 32, 192), (0, 0, 224), (0, 0, 64), (0, 160, 192), (128, 0, 96),
    (128, 0, 192), (0, 32, 192), (128, 128, 224), (0, 0, 192), (128, 160, 192),
    (128, 128, 0), (128, 0, 32), (128, 32, 0), (128, 0, 128), (64, 128, 32),
    (0, 160, 0), (0, 0, 0), (192, 128, 160), (0, 32, 0), (0, 128, 128),
    (64, 128, 160), (128, 160, 0), (0, 128, 0), (192, 128, 32), (128, 96, 128),
    (0, 0, 128), (64, 0, 32), (0, 224, 128), (128, 0, 0), (192, 0, 160),
    (0, 96, 128), (128, 128, 128), (64, 0, 160), (128, 224, 128),
    (128, 128, 64), (192, 0, 32), (128, 96, 0), (128, 0, 192), (0, 128, 32),
    (64, 224, 0), (0, 0, 64), (128, 128, 160), (64, 96, 0), (0, 128, 192),
    (0, 128, 160), (192, 224, 0), (0, 128, 64), (128, 128, 32), (192, 32, 128),
    (0, 64, 192), (0, 0, 32), (64, 160, 128), (128, 64, 64), (128, 0, 160),
    (64, 32, 128), (128, 192, 192), (0, 0, 160), (192, 160, 128),
    (128, 192, 0), (128, 0, 96), (192, 32, 0), (128, 64, 128), (64, 128, 96),
    (64, 160, 0), (0, 64, 0), (192, 128, 224), (64, 32, 0), (0, 192, 128),
    (64, 128, 224), (192, 160, 0), (0, 192, 0), (192, 128, 96), (192, 96, 128),
    (0, 64, 128), (64, 0, 96), (64, 224, 128), (128, 64, 0), (192, 0, 224),
    (64, 96, 128), (128, 192, 128), (64, 0, 224), (192, 224, 128),
    (128, 192, 64), (192, 0, 96), (192, 96, 0), (128, 64, 192), (0, 128, 96),
    (0, 224, 0), (64, 64, 64), (128, 128, 224), (0, 96, 0), (64, 192, 192),
    (0, 128, 224), (128, 224, 0), (64, 192, 64), (128, 128, 96),
    (128, 32, 128), (64, 0, 192), (0, 64, 96), (0, 160, 128), (192, 0, 64),
    (128, 64, 224), (0, 32, 128), (192, 128, 192), (0, 64, 224),
    (128, 160, 128), (192, 128, 0), (128, 64, 32), (128, 32, 64),
    (192, 0, 128), (64, 192, 32), (0, 160, 64), (64, 0, 0), (192, 192, 160),
    (0, 32, 64), (64, 128, 128), (64, 192, 160), (128, 160, 64), (64, 128, 0),
    (192, 192, 32), (128, 96, 192), (64, 0, 128), (64, 64, 32), (0, 224, 192),
    (192, 0, 0), (192, 64, 160), (0, 96, 192), (192, 128, 128), (64, 64, 160),
    (128, 224, 192), (192, 128, 64), (192, 64, 32), (128, 96, 64),
    (192, 0, 192), (0, 192, 32), (64, 224, 64), (64, 0, 64), (128, 192, 160),
    (64, 96, 64), (64, 128, 192), (0, 192, 160), (192, 224, 64), (64, 128, 64),
    (128, 192, 32), (192, 32, 192), (64, 64, 192), (0, 64, 32), (64, 160, 192),
    (192, 64, 64), (128, 64, 160), (64, 32, 192), (192, 192, 192),
    (0, 64, 160), (192, 160, 192), (192, 192, 0), (128, 64, 96), (192, 32, 64),
    (192, 64, 128), (64, 192, 96), (64, 160, 64), (64, 64, 0))

_VOC_CLASSES = (
    'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus',
    'car', 'cat', 'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike',
    'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor')

_VOC_PALETTE = (
    (0, 0, 0), (128, 0, 0), (0, 128, 0), (128, 128, 0), (0, 0, 128),
    (128, 0, 128), (0, 128, 128), (128, 128, 128), (64, 0, 0), (192, 0, 0),
    (64, 128, 0), (192, 128, 0), (64, 0, 128), (192, 0, 128), (64, 128, 128),
    (192, 128, 128), (0, 64, 0), (128, 64, 0), (0, 192, 0), (128, 192, 0),
    (0, 64, 128))

# PASCAL Context-60: background first, then the 59 classes; its palette is
# the first 60 ADE20K colours
_PASCAL_CONTEXT_CLASSES = ('background', ) + _PASCAL_CONTEXT_59_CLASSES
_PASCAL_CONTEXT_PALETTE = _ADE_PALETTE[:60]

_LOVEDA_CLASSES = ('background', 'building', 'road', 'water', 'barren',
                   'forest', 'agricultural')
_LOVEDA_PALETTE = ((255, 255, 255), (255, 0, 0), (255, 255, 0), (0, 0, 255),
                   (159, 129, 183), (0, 255, 0), (255, 195, 128))

# Potsdam and Vaihingen (ISPRS 2D labelling) share classes and colours
_ISPRS_CLASSES = ('impervious_surface', 'building', 'low_vegetation', 'tree',
                  'car', 'clutter')
_ISPRS_PALETTE = ((255, 255, 255), (0, 0, 255), (0, 255, 255), (0, 255, 0),
                  (255, 255, 0), (255, 0, 0))

_ISAID_CLASSES = (
    'background', 'ship', 'store_tank', 'baseball_diamond', 'tennis_court',
    'basketball_court', 'Ground_Track_Field', 'Bridge', 'Large_Vehicle',
    'Small_Vehicle', 'Helicopter', 'Swimming_pool', 'Roundabout',
    'Soccer_ball_field', 'plane', 'Harbor')
_ISAID_PALETTE = (
    (0, 0, 0), (0, 0, 63), (0, 63, 63), (0, 63, 0), (0, 63, 127),
    (0, 63, 191), (0, 63, 255), (0, 127, 63), (0, 127, 127), (0, 0, 127),
    (0, 0, 191), (0, 0, 255), (0, 191, 127), (0, 127, 191), (0, 127, 255),
    (0, 100, 155))

# canonical name -> (class names, palette)
_BENCHMARKS: Dict[str, Tuple[tuple, tuple]] = {
    'cityscapes': (_CITYSCAPES_CLASSES, _CITYSCAPES_PALETTE),
    'ade': (_ADE_CLASSES, _ADE_PALETTE),
    'pascal_context_59': (_PASCAL_CONTEXT_59_CLASSES,
                          _PASCAL_CONTEXT_59_PALETTE),
    'cocostuff': (_COCOSTUFF_CLASSES, _COCOSTUFF_PALETTE),
    'voc': (_VOC_CLASSES, _VOC_PALETTE),
    'pascal_context': (_PASCAL_CONTEXT_CLASSES, _PASCAL_CONTEXT_PALETTE),
    'loveda': (_LOVEDA_CLASSES, _LOVEDA_PALETTE),
    'potsdam': (_ISPRS_CLASSES, _ISPRS_PALETTE),
    'vaihingen': (_ISPRS_CLASSES, _ISPRS_PALETTE),
    'isaid': (_ISAID_CLASSES, _ISAID_PALETTE),
}

_ALIASES = {
    'cityscapes': ('cityscapes', ),
    'ade': ('ade', 'ade20k'),
    'pascal_context_59': ('pascal_context_59', 'pascal_context59',
                          'pcontext59'),
    'cocostuff': ('cocostuff', 'cocostuff10k', 'cocostuff164k', 'coco-stuff',
                  'coco-stuff10k', 'coco-stuff164k', 'coco_stuff',
                  'coco_stuff10k', 'coco_stuff164k'),
    'voc': ('voc', 'pascal_voc', 'voc12', 'voc12aug'),
    'pascal_context': ('pascal_context', 'pcontext', 'pascal_context60'),
    'loveda': ('loveda', ),
    'potsdam': ('potsdam', ),
    'vaihingen': ('vaihingen', ),
    'isaid': ('isaid', 'iSAID'),
}
_ALIAS_TO_NAME = {alias: name for name, aliases in _ALIASES.items()
                  for alias in aliases}


def cityscapes_classes() -> List[str]:
    """The 19 Cityscapes train classes."""
    return list(_CITYSCAPES_CLASSES)


def cityscapes_palette() -> List[List[int]]:
    """RGB colours of the Cityscapes train classes."""
    return [list(color) for color in _CITYSCAPES_PALETTE]


def ade_classes() -> List[str]:
    """The 150 ADE20K classes."""
    return list(_ADE_CLASSES)


def ade_palette() -> List[List[int]]:
    """RGB colours of the ADE20K classes."""
    return [list(color) for color in _ADE_PALETTE]


def pascal_context_59_classes() -> List[str]:
    """The 59 PASCAL Context classes (background excluded)."""
    return list(_PASCAL_CONTEXT_59_CLASSES)


def pascal_context_59_palette() -> List[List[int]]:
    """RGB colours of the PASCAL Context-59 classes."""
    return [list(color) for color in _PASCAL_CONTEXT_59_PALETTE]


def cocostuff_classes() -> List[str]:
    """The 171 COCO-Stuff classes."""
    return list(_COCOSTUFF_CLASSES)


def cocostuff_palette() -> List[List[int]]:
    """RGB colours of the COCO-Stuff classes."""
    return [list(color) for color in _COCOSTUFF_PALETTE]


def voc_classes() -> List[str]:
    """The PASCAL VOC 2012 (background first) classes."""
    return list(_BENCHMARKS['voc'][0])


def voc_palette() -> List[List[int]]:
    """RGB colours of the PASCAL VOC 2012 classes."""
    return [list(color) for color in _BENCHMARKS['voc'][1]]


def pascal_context_classes() -> List[str]:
    """The PASCAL Context-60 (background first) classes."""
    return list(_BENCHMARKS['pascal_context'][0])


def pascal_context_palette() -> List[List[int]]:
    """RGB colours of the PASCAL Context-60 classes."""
    return [list(color) for color in _BENCHMARKS['pascal_context'][1]]


def loveda_classes() -> List[str]:
    """The LoveDA classes."""
    return list(_BENCHMARKS['loveda'][0])


def loveda_palette() -> List[List[int]]:
    """RGB colours of the LoveDA classes."""
    return [list(color) for color in _BENCHMARKS['loveda'][1]]


def potsdam_classes() -> List[str]:
    """The ISPRS Potsdam classes."""
    return list(_BENCHMARKS['potsdam'][0])


def potsdam_palette() -> List[List[int]]:
    """RGB colours of the ISPRS Potsdam classes."""
    return [list(color) for color in _BENCHMARKS['potsdam'][1]]


def vaihingen_classes() -> List[str]:
    """The ISPRS Vaihingen classes."""
    return list(_BENCHMARKS['vaihingen'][0])


def vaihingen_palette() -> List[List[int]]:
    """RGB colours of the ISPRS Vaihingen classes."""
    return [list(color) for color in _BENCHMARKS['vaihingen'][1]]


def isaid_classes() -> List[str]:
    """The iSAID classes."""
    return list(_BENCHMARKS['isaid'][0])


def isaid_palette() -> List[List[int]]:
    """RGB colours of the iSAID classes."""
    return [list(color) for color in _BENCHMARKS['isaid'][1]]


def _benchmark(dataset: str) -> Tuple[tuple, tuple]:
    if not isinstance(dataset, str):
        raise TypeError(f'dataset must be a str, but got {type(dataset)}')
    if dataset not in _ALIAS_TO_NAME:
        raise ValueError(f'Unrecognized dataset: {dataset!r}; known: '
                         f'{sorted(_ALIAS_TO_NAME)}')
    return _BENCHMARKS[_ALIAS_TO_NAME[dataset]]


def get_classes(dataset: str) -> List[str]:
    """Class names of a benchmark.

    Args:
        dataset: Name or alias, e.g. 'cityscapes', 'ade20k', 'coco-stuff164k'.

    Returns:
        The class names in label order.
    """
    return list(_benchmark(dataset)[0])


def get_palette(dataset: str) -> List[List[int]]:
    """RGB palette of a benchmark, one ``[r, g, b]`` per class.

    Args:
        dataset: Name or alias, as for :func:`get_classes`.

    Returns:
        The colours in label order.
    """
    return [list(color) for color in _benchmark(dataset)[1]]
