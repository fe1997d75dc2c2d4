"""Models of ``monitoring``: stories and the Doe mee inbox (``stories``), indicators and their measurements
(``indicators``), and the yearly jaarbeeld editions (``jaarbeeld``). One module per part, so each stays
readable; Django sees them all through this package."""

from monitoring.models.indicators import Granularity, Indicator, Measurement
from monitoring.models.jaarbeeld import Build, Edition, EditionBlock, EditionStory
from monitoring.models.stories import ContactBericht, Verhaal, VerhaalPersoon

__all__ = ["Granularity", "Indicator", "Measurement", "ContactBericht", "Verhaal", "VerhaalPersoon"]
__all__ += ["Build", "Edition", "EditionBlock", "EditionStory"]
