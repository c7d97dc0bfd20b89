"""The Chinese font the charts draw with: shipped as a package, registered at first use."""

from __future__ import annotations

import threading
from pathlib import Path

__all__ = ["cjk_family", "font_path"]

_lock = threading.Lock()
_family: str | None = None


def font_path() -> Path:
    """The Noto Sans SC file (SIL OFL 1.1) that pylopdf-fonts-zh-cn ships; no system font needed."""
    import pylopdf_fonts_zh_cn

    return pylopdf_fonts_zh_cn.sans_path()


def cjk_family() -> str:
    """Register the font with matplotlib's font manager once; return its family name."""
    global _family
    with _lock:
        if _family is None:
            from matplotlib import font_manager, ft2font

            path = font_path()
            font_manager.fontManager.addfont(path)
            _family = ft2font.FT2Font(str(path)).family_name
        return _family
