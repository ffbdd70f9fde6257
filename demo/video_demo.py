"""Segment a video (or a camera) frame by frame.

    python demo/video_demo.py VIDEO CONFIG CHECKPOINT --output-file OUT.avi
        [--device cpu] [--palette cityscapes] [--opacity 0.5] [--show]
        [--output-fourcc MJPG] [--output-fps FPS]
        [--output-height H --output-width W]

VIDEO is a file, or a camera index such as 0.
"""
import argparse

import cv2

from mmseg.apis import inference_segmentor, init_segmentor
from mmseg.cli import UsageError, run_cli
from mmseg.core.evaluation import get_palette


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Segment a video')
    parser.add_argument('video', help='video file or camera index')
    parser.add_argument('config', help='config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--device', default='cpu', help='e.g. cuda:0')
    parser.add_argument('--palette', default='cityscapes',
                        help='palette of a dataset, e.g. cityscapes, ade')
    parser.add_argument('--opacity', type=float, default=0.5,
                        help='label colour weight, in (0, 1]')
    parser.add_argument('--show', action='store_true',
                        help='show the frames in a window')
    parser.add_argument('--show-wait-time', type=int, default=1,
                        help='ms a shown frame waits')
    parser.add_argument('--output-file', help='write the drawn video here')
    parser.add_argument('--output-fourcc', default='MJPG',
                        help='codec of the output video')
    parser.add_argument('--output-fps', type=float, default=-1,
                        help='frames per second (default: the input\'s)')
    parser.add_argument('--output-height', type=int, default=-1)
    parser.add_argument('--output-width', type=int, default=-1)
    args = parser.parse_args(argv)
    if not (args.show or args.output_file):
        parser.error('give --output-file or --show')
    if len(args.output_fourcc) != 4:
        parser.error('--output-fourcc takes 4 characters, e.g. MJPG')
    if not 0 < args.opacity <= 1:
        parser.error('--opacity must be in (0, 1]')
    return args


def open_writer(args, capture):
    """The output video and its frame size ``(width, height)``."""
    fps = args.output_fps if args.output_fps > 0 else \
        capture.get(cv2.CAP_PROP_FPS) or 25
    width = args.output_width if args.output_width > 0 else \
        int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = args.output_height if args.output_height > 0 else \
        int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    writer = cv2.VideoWriter(args.output_file,
                             cv2.VideoWriter_fourcc(*args.output_fourcc),
                             fps, (width, height), True)
    if not writer.isOpened():
        raise UsageError(f'cannot write {args.output_file} with codec '
                         f'{args.output_fourcc}')
    return writer, (width, height)


def main(argv=None):
    args = parse_args(argv)
    model = init_segmentor(args.config, args.checkpoint, args.device)
    palette = get_palette(args.palette)
    source = int(args.video) if args.video.isdigit() else args.video
    capture = cv2.VideoCapture(source)
    if not capture.isOpened():
        raise FileNotFoundError(f'{args.video}: cannot open the video')
    writer, size = open_writer(args, capture) if args.output_file \
        else (None, None)
    frames = 0
    try:
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            result = inference_segmentor(model, frame)
            drawn = model.show_result(frame, result, palette,
                                      opacity=args.opacity)
            if args.show:
                cv2.imshow('video_demo', drawn)
                cv2.waitKey(args.show_wait_time)
            if writer is not None:
                if drawn.shape[1::-1] != size:
                    drawn = cv2.resize(drawn, size)
                writer.write(drawn)
            frames += 1
    finally:
        capture.release()
        if writer is not None:
            writer.release()
        if args.show:
            cv2.destroyAllWindows()
    print(f'{frames} frames' + (f' written to {args.output_file}'
                                if writer is not None else ''))


if __name__ == '__main__':
    run_cli(main)
