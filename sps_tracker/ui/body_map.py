"""The clickable body map for the distribution-of-stiffness index.

The figure is ``resources/body_map.svg``; each scored shape carries the id
``dsi-<area>[-<side>]``. Colours come from the palette (light or dark theme),
applied by rewriting the shapes' fill before rendering.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QByteArray, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from sps_tracker.domain.scales import DSI
from sps_tracker.paths import resources_dir

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
REGION_PREFIX = "dsi-"

ET.register_namespace("", SVG_NAMESPACE)


def body_map_path() -> Path:
    return resources_dir() / "body_map.svg"


def region_key(element_id: str) -> str:
    """'dsi-arms-left' -> 'arms'."""
    return element_id[len(REGION_PREFIX) :].split("-")[0]


class BodyMap(QWidget):
    """A front-view figure; clicking an area asks for that area to be toggled."""

    area_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tree = ET.parse(body_map_path())
        self._shapes = {
            element.get("id", ""): element
            for element in self._tree.iter()
            if element.get("id", "").startswith(REGION_PREFIX)
        }
        unknown = {region_key(i) for i in self._shapes} - set(DSI.keys)
        if unknown or {region_key(i) for i in self._shapes} != set(DSI.keys):
            raise ValueError(f"body map areas do not match the DSI: {sorted(unknown)}")
        self._renderer = QSvgRenderer(self)
        self._selected: set[str] = set()
        self._hover: str | None = None
        self.setMouseTracking(True)
        # The check boxes beside the map are the keyboard path; the map is for the mouse.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(self.tr("Body map of stiff areas"))
        self.setAccessibleDescription(
            self.tr("Click an area to mark it stiff; the check boxes beside it do the same.")
        )
        self._reload()

    # -- state ------------------------------------------------------------

    def selected(self) -> set[str]:
        return set(self._selected)

    def set_selected(self, key: str, selected: bool) -> None:
        if (key in self._selected) == selected:
            return
        if selected:
            self._selected.add(key)
        else:
            self._selected.discard(key)
        self._reload()

    def set_hover(self, key: str | None) -> None:
        if key != self._hover:
            self._hover = key
            self._reload()

    # -- geometry ---------------------------------------------------------

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(220, 400)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(160, 300)

    def _figure_rect(self) -> QRectF:
        """The widget area the figure is drawn in, keeping its proportions."""
        box = self._renderer.viewBoxF()
        area = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        scale = min(area.width() / box.width(), area.height() / box.height())
        width, height = box.width() * scale, box.height() * scale
        return QRectF(
            area.x() + (area.width() - width) / 2,
            area.y() + (area.height() - height) / 2,
            width,
            height,
        )

    def _to_widget(self, rect: QRectF) -> QRectF:
        box = self._renderer.viewBoxF()
        target = self._figure_rect()
        sx, sy = target.width() / box.width(), target.height() / box.height()
        return QRectF(
            target.x() + (rect.x() - box.x()) * sx,
            target.y() + (rect.y() - box.y()) * sy,
            rect.width() * sx,
            rect.height() * sy,
        )

    def shape_rects(self, key: str) -> list[QRectF]:
        """Where the shapes of one area are, in widget coordinates."""
        return [
            self._to_widget(
                self._renderer.transformForElement(i).mapRect(self._renderer.boundsOnElement(i))
            )
            for i in self._shapes
            if region_key(i) == key
        ]

    def area_at(self, point: QPointF) -> str | None:
        for element_id in self._shapes:
            key = region_key(element_id)
            if any(rect.contains(point) for rect in self.shape_rects(key)):
                return key
        return None

    # -- drawing ----------------------------------------------------------

    def _reload(self) -> None:
        palette = self.palette()
        outline = palette.color(QPalette.ColorRole.WindowText)
        plain = palette.color(QPalette.ColorRole.Base)
        stiff = palette.color(QPalette.ColorRole.Highlight)
        hover = _mix(plain, stiff, 0.3)
        figure = self._tree.getroot().find(f".//{{{SVG_NAMESPACE}}}g[@id='figure']")
        if figure is not None:
            figure.set("stroke", outline.name())
            figure.set("fill", _mix(plain, outline, 0.12).name())
        for element_id, element in self._shapes.items():
            key = region_key(element_id)
            colour = stiff if key in self._selected else hover if key == self._hover else plain
            element.set("fill", colour.name())
        self._renderer.load(QByteArray(ET.tostring(self._tree.getroot())))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._renderer.render(painter, self._figure_rect())
        painter.end()

    def changeEvent(self, event: object) -> None:  # noqa: N802
        from PySide6.QtCore import QEvent

        if isinstance(event, QEvent) and event.type() == QEvent.Type.PaletteChange:
            self._reload()
        super().changeEvent(event)  # type: ignore[arg-type]

    # -- mouse ------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        key = self.area_at(event.position())
        if key is not None and event.button() == Qt.MouseButton.LeftButton:
            self.area_clicked.emit(key)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        key = self.area_at(event.position())
        self.set_hover(key)
        self.setCursor(Qt.CursorShape.PointingHandCursor if key else Qt.CursorShape.ArrowCursor)
        if key:
            QToolTip.showText(event.globalPosition().toPoint(), self.tr(DSI.item(key).label), self)
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: object) -> None:  # noqa: N802
        self.set_hover(None)
        super().leaveEvent(event)  # type: ignore[arg-type]


def _mix(a: QColor, b: QColor, amount: float) -> QColor:
    return QColor(
        round(a.red() + (b.red() - a.red()) * amount),
        round(a.green() + (b.green() - a.green()) * amount),
        round(a.blue() + (b.blue() - a.blue()) * amount),
    )
