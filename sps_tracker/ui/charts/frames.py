"""The chart's tab-widget frame drawn from a picture of the style's own drawing.

Fusion draws a translucent highlight line along the frame; Qt splits such a line over
its thread pool and waits for it, about 1.5 ms at every paint for the frame around the
chart. The picture is made once per size and look and gives the same pixels (a group
box drawn this way did not: its line is blended over its parent, and came out 1/255 off).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import ClassVar

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QStyle,
    QStyleOptionTabWidgetFrame,
    QTabWidget,
    QWidget,
)


class _Pictures:
    """A few pictures of frames (about 3 MB each around the chart)."""

    kept: ClassVar[dict[Hashable, QPixmap]] = {}

    @classmethod
    def draw(
        cls,
        widget: QWidget,
        area: QRect,
        key: Hashable,
        paint: Callable[[QPainter], None],
    ) -> None:
        """Draw ``paint``'s picture at ``area``; ``paint`` draws at the origin."""
        ratio = widget.devicePixelRatioF()
        key = (key, id(widget.style()), widget.style().name(), ratio, area.size().toTuple())
        picture = cls.kept.get(key)
        if picture is None:
            while len(cls.kept) >= 4:
                del cls.kept[next(iter(cls.kept))]
            picture = QPixmap(round(area.width() * ratio), round(area.height() * ratio))
            picture.setDevicePixelRatio(ratio)
            picture.fill(Qt.GlobalColor.transparent)
            painter = QPainter(picture)
            try:
                paint(painter)
            finally:
                painter.end()
            cls.kept[key] = picture
        painter = QPainter(widget)
        try:
            painter.drawPixmap(area.topLeft(), picture)
        finally:
            painter.end()


class ChartTabs(QTabWidget):
    """QTabWidget whose frame is drawn from a picture (see the module)."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.documentMode():
            super().paintEvent(event)
            return
        option = QStyleOptionTabWidgetFrame()
        self.initStyleOption(option)
        style = self.style()
        area = style.subElementRect(QStyle.SubElement.SE_TabWidgetTabPane, option, self)
        if area.isEmpty():
            return
        origin = area.topLeft()
        key = (
            "tabs",
            option.palette.cacheKey(),
            int(option.state.value),
            option.shape.value,
            option.direction.value,
            option.tabBarSize.toTuple(),
            option.selectedTabRect.translated(-origin).getRect(),
            option.tabBarRect.translated(-origin).getRect(),
            option.leftCornerWidgetSize.toTuple(),
            option.rightCornerWidgetSize.toTuple(),
            option.lineWidth,
            option.midLineWidth,
        )
        drawn = QStyleOptionTabWidgetFrame(option)
        drawn.rect = area.translated(-origin)
        drawn.selectedTabRect = option.selectedTabRect.translated(-origin)
        drawn.tabBarRect = option.tabBarRect.translated(-origin)

        def paint(painter: QPainter) -> None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_FrameTabWidget, drawn, painter, self)

        _Pictures.draw(self, area, key, paint)
