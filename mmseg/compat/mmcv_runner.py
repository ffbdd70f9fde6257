"""``obj_from_dict`` of ``mmcv.runner`` 1.x (``mmcv.runner`` itself is
served by :mod:`.finder`; its runners are in :mod:`.legacy_runner`)."""


def obj_from_dict(info: dict, parent=None, default_args: dict = None):
    """Build ``info['type']`` (a name looked up in ``parent``, or a class).

    Args:
        info: Dict with ``type`` and the constructor's arguments.
        parent: Module to look the type name up in (e.g. ``torch.optim``).
        default_args: Arguments added when ``info`` lacks them.

    Returns:
        The object.
    """
    if not isinstance(info, dict) or 'type' not in info:
        raise TypeError(f'obj_from_dict needs a dict with a "type" key, '
                        f'got {info!r}')
    args = dict(info)
    kind = args.pop('type')
    if isinstance(kind, str):
        if parent is None or not hasattr(parent, kind):
            raise KeyError(f'type {kind!r} not found in {parent!r}')
        kind = getattr(parent, kind)
    for key, value in (default_args or {}).items():
        args.setdefault(key, value)
    return kind(**args)
