"""Every signal, key and menu entry of the window, connected to its actions (keys are
application-wide: a presenter remote's keys work whichever widget has the focus)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut

from engine.runtime import scenarios

from .dialogs import export_png_dialog, export_run_dialog, open_image_dialog, open_lesson_dialog

CONTROLS_KEY = "T"  # shows / hides the control rows (hidden while a lesson is presented)


def connect(win) -> None:
    """Buttons, edits, the timeline and every key (application-wide: a presenter remote's keys work
    whichever widget has the focus; typing in the prompt still types)."""
    c = win.controls
    c.play.clicked.connect(win.toggle_play)
    c.step.clicked.connect(win.step_once)
    c.restart.clicked.connect(lambda: win.restart())  # clicked(bool) must not land in `known`
    c.new_seed.clicked.connect(win.new_seed)
    c.draw.toggled.connect(win.set_drawing)
    c.complete.clicked.connect(win.complete_drawing)
    c.edited.connect(win._on_user_edit)
    c.invalid_edit.connect(win.show_error)  # a prompt that is no class: said, the run keeps its own
    c.out_of_range.connect(win.show_error)  # never a silent change: the allowed range, the value kept
    win.panels["left"].state.drawn.connect(win.mirror_drawing)
    for name, panel in win.panels.items():  # click a grey level in the pixel's distribution: force it
        panel.level_clicked.connect(lambda level, n=name: win.force_level(n, level))
    c.cont.clicked.connect(win.run_continuations)
    # speed and pacing apply to the running run at once, without a restart
    win.session.subscribe(lambda what: what in ("pace", "scenario") and win.apply_pace())
    win.timeline.valueChanged.connect(win.scrub)
    ls = win.lesson
    for key, fn in [
        ("Space", win.toggle_play),
        ("Right", lambda: ls.forward() if ls.active else win.step_once()),
        ("Left", lambda: ls.back() if ls.active else None),
        ("PgDown", ls.forward),
        ("PgUp", ls.back),
        ("B", ls.toggle_blank),
        (".", ls.toggle_blank),
        ("F5", ls.start_default),
        ("Shift+F5", ls.start_here),
        ("R", lambda: win.restart()),
        ("F11", win.toggle_fullscreen),
        ("L", lambda: win.set_lecture_mode(not win.lecture)),
        ("N", win.new_seed),
        ("Ctrl+S", lambda: export_png_dialog(win)),
        ("Escape", win.escape),
        ("V", win.next_variant),
        ("G", lambda: win.set_guidance_view(not win.guidance_view)),
        (CONTROLS_KEY, ls.toggle_controls),  # the control rows, hidden while a lesson is presented
    ]:
        sc = QShortcut(QKeySequence(key), win)
        sc.setContext(Qt.ApplicationShortcut)
        sc.activated.connect(fn)


def number_scenarios(win) -> None:
    """The Scenarios menu in the lesson's order, numbered as its slides ("slide 3 / 12" is entry 3;
    the loaded lesson, or the default one); scenarios the lesson does not show follow, unnumbered."""
    menu = win.scenarios_menu
    menu.clear()
    free = menu.addAction("free play (your own settings)")
    free.triggered.connect(win.end_scenario)
    menu.addSeparator()
    ls = win.lesson
    numbered = sorted((n, sc.name) for sc in scenarios.SCENARIOS.values() if (n := ls.number_of(sc.name)) is not None)
    rest = [name for name in scenarios.SCENARIOS if ls.number_of(name) is None]
    for n, name in numbered + [(None, name) for name in rest]:
        sc = scenarios.SCENARIOS[name]
        act = menu.addAction(f"{n}. {sc.title}  ({sc.name})" if n is not None else f"{sc.title}  ({sc.name})")
        act.setToolTip(sc.caption_for())
        act.triggered.connect(lambda checked=False, name=name: ls.go_to_scenario(name))


def build_menus(win) -> None:
    win.scenarios_menu = win.menuBar().addMenu("&Scenarios")
    number_scenarios(win)
    view = win.menuBar().addMenu("&View")
    for text, key, fn in [
        ("Lecture mode (large, high contrast)", "L", lambda: win.set_lecture_mode(not win.lecture)),
        ("Fullscreen", "F11", win.toggle_fullscreen),
        ("Guidance: with / without the prompt, what w adds", "G", lambda: win.set_guidance_view(not win.guidance_view)),
        ("Export window as PNG…", "Ctrl+S", lambda: export_png_dialog(win)),
        ("Export run as GIF/MP4…", "", lambda: export_run_dialog(win)),
        ("Open your own picture… (or drop it on the window)", "", lambda: open_image_dialog(win)),
        ("Forget your picture", "", win.forget_image),
    ]:
        act = view.addAction(f"{text}\t{key}" if key else text)
        act.triggered.connect(fn)
    lesson = win.menuBar().addMenu("&Lesson")
    for text, fn in [
        ("Start the lesson, fullscreen\tF5", win.lesson.start_default),
        ("Back into the lesson at its slide\tShift+F5", win.lesson.start_here),
        ("Open a lesson file…", lambda: open_lesson_dialog(win)),
        ("Next (play, then next slide)\tPageDown", win.lesson.forward),
        ("Back\tPageUp", win.lesson.back),
        ("Blank the screen\tB", win.lesson.toggle_blank),
        ("Leave the lesson\tEsc", win.escape),
    ]:
        lesson.addAction(text).triggered.connect(fn)
