"""The three review tiers as data: one policy record each, read by the rules instead of switching on the tier.

==========  ============  ==================  =============  ==============  ==========
tier        decides by    its inputs are due  node           minimum panel   next tier
==========  ============  ==================  =============  ==============  ==========
city        the 20th      writing (the 15th)  the city       PANEL_MIN_CITY  province
province    the 25th      city (the 20th)     the KMW        PANEL_MIN_...   national
national    month's end   province (25th)     the nation     PANEL_MIN_...   (none)
==========  ============  ==================  =============  ==============  ==========

The stages and their days are ``portal.cycle``'s; a tier names which stage it decides in and which stage feeds it.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.models.reviews import Tier


@dataclass(frozen=True)
class TierPolicy:
    tier: Tier
    stage: str  # the cycle stage by whose deadline the panel decides (portal.cycle.STAGES)
    input_stage: str  # the stage by whose deadline everything the panel receives is due
    node: str | None  # the tree level the panel belongs to: "kota", "kmw", or None for the national panel
    min_size_setting: str  # the setting holding the fewest members the panel needs
    next_tier: Tier | None  # where the chosen pieces go
    feeders: object  # who sends the panel its pieces (lazy label, for "... have all sent")


POLICIES: dict[Tier, TierPolicy] = {
    Tier.CITY: TierPolicy(Tier.CITY, "city", "writing", "kota", "PANEL_MIN_CITY", Tier.PROVINCE,
                            _l("tim fasilitator kota ini")),
    Tier.PROVINCE: TierPolicy(Tier.PROVINCE, "province", "city", "kmw", "PANEL_MIN_PROVINCE", Tier.NATIONAL,
                                _l("panel Korkot di wilayah KMW ini")),
    Tier.NATIONAL: TierPolicy(Tier.NATIONAL, "national", "province", None, "PANEL_MIN_NATIONAL", None,
                                _l("panel KMW")),
}


def policy(tier: Tier) -> TierPolicy:
    return POLICIES[tier]
