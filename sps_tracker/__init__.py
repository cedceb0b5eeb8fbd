"""SPS Tracker: scores, falls and IVIg courses for stiff-person syndrome."""

# The one place the version is written: pyproject.toml reads it from here (hatch), and
# every start saves the ~50 ms that importlib.metadata takes to look it up.
__version__ = "0.1.0"

APP_NAME = "SPS Tracker"
APP_ID = "org.spstracker.SPSTracker"
ORGANISATION = "SPS Tracker"
