"""SPS Tracker: scores, falls and IVIg courses for stiff-person syndrome."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sps-tracker")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

APP_NAME = "SPS Tracker"
APP_ID = "org.spstracker.SPSTracker"
ORGANISATION = "SPS Tracker"
