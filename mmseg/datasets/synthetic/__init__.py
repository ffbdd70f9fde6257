"""A generator of synthetic segmentation datasets.

It writes street scenes in the on-disk layouts of Cityscapes (with polygon
JSON and instance ids), ADE20K, PASCAL Context and COCO-Stuff (10k, 164k),
night street scenes for Dark Zurich and Nighttime Driving (:mod:`.night`)
and retinal fundus images with vessel maps in the DRIVE, STARE, CHASE_DB1
and HRF layouts (:mod:`.vessels`), for tests, the quick start and
``tools/generate_synthetic_data.py``. It is a data generator, not a
dataset class: the written folders are read by the ordinary dataset
classes.

* :mod:`.layout`: what is where in a scene (labelled polygons);
* :mod:`.render`: label maps and RGB images drawn from the polygons;
* :mod:`.writers`: files in each benchmark's layout (``generate_*``);
* :mod:`.vessels`: fundus scenes and the retinal layouts
  (``generate_drive``, ``generate_stare``, ...);
* :mod:`.night`: night street scenes (``generate_dark_zurich``,
  ``generate_night_driving``).

Datasets with more classes than a street holds get extra "clutter" objects
cycling through the other classes. Everything depends only on ``seed``, the
split and the image index.
"""
from .layout import LabelSet, Shape, Size, clutter, street_scene
from .night import generate_dark_zurich, generate_night_driving
from .render import Looks, paint_scene, rasterize
from .vessels import (
    fundus_scene,
    generate_chase_db1,
    generate_drive,
    generate_hrf,
    generate_stare,
    vessel_tree,
)
from .writers import (
                      CITYSCAPES_CITIES,
                      cityscapes_instance_ids,
                      generate_ade20k,
                      generate_cityscapes,
                      generate_coco_stuff,
                      generate_pascal_context,
)

__all__ = [
    'CITYSCAPES_CITIES', 'LabelSet', 'Looks', 'Shape', 'Size',
    'cityscapes_instance_ids', 'clutter', 'fundus_scene', 'generate_ade20k',
    'generate_chase_db1', 'generate_cityscapes', 'generate_coco_stuff',
    'generate_dark_zurich', 'generate_drive', 'generate_hrf',
    'generate_night_driving', 'generate_pascal_context', 'generate_stare',
    'paint_scene', 'rasterize', 'street_scene', 'vessel_tree'
]
