"""Run by test_fit in a fresh process (QT_SCALE_FACTOR must be set before Qt starts): the window at
a logical size under HiDPI scaling; prints JSON: device pixels of a grab, what is clipped."""

import json
import sys

from PySide6.QtWidgets import QApplication


def main(width: int, height: int, lecture: bool) -> None:
    app = QApplication([])
    from gui.main_window import MainWindow
    from tests.gui.test_fit import _clipped

    win = MainWindow(device="cpu", remember=False)
    win.set_lecture_mode(lecture)
    win.resize(width, height)
    win.show()
    for _ in range(20):
        app.processEvents()
    pic = win.grab()
    out = {
        "logical": [win.width(), win.height()],
        "ratio": pic.devicePixelRatio(),
        "device": [pic.width(), pic.height()],
        "clipped": _clipped(win),
        "caption_px": win.caption.font().pixelSize(),
    }
    win.close()
    print(json.dumps(out))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "lecture")
