"""The three review tiers as data: one policy record each, read by the rules instead of switching on the tier.

==========  ============  ==================  ========  ==================  ==============  ==========  ==============
tier        decides by    its inputs are due  node      how many go up      minimum panel   next tier   publishes
==========  ============  ==================  ========  ==================  ==============  ==========  ==============
city        the 20th      writing (the 15th)  the city  2 or 3 (city rule)  PANEL_MIN_CITY  province    nothing
province    the 25th      city (the 20th)     the KMW   3 that passed       PANEL_MIN_...   national    all that passed
national    month's end   province (25th)     (nation)  5 that passed       PANEL_MIN_...   (none)      the winners
==========  ============  ==================  ========  ==================  ==============  ==========  ==============

The stages and their days are ``portal.cycle``'s; a tier names which stage it decides in and which stage feeds it.
Adding a tier or changing a quota is one edit here.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.models.pieces import BestPractice
from portal.models.reviews import Tier
from scoring.quotas import NATIONAL_QUOTA, PROVINCE_QUOTA


@dataclass(frozen=True)
class TierPolicy:
    tier: Tier
    order: int  # the tiers from the bottom up
    stage: str  # the cycle stage by whose deadline the panel decides (portal.cycle.STAGES)
    input_stage: str  # the stage by whose deadline everything the panel receives is due
    node: str | None  # the panel's node: "city", "kmw" (Panel.city / Panel.kmw), or None for the national panel
    min_size_setting: str  # the setting holding the fewest members the panel needs
    next_tier: Tier | None  # where the chosen pieces go
    quota: int | None  # how many go up; None: the city rule (scoring.city_quota of the city's TF teams)
    must_pass: bool  # only pieces with NA at least the passing grade go up
    outside_quota_goes_up: bool  # an entry outside the quota (a Korkot team's own piece) is sent up as well
    publishes: str | None  # which decided entries become best practices: "passed", "selected" or None
    best_practice: BestPractice | None  # the level they are published at
    feeders: object  # who sends the panel its pieces (lazy label, for "... have all sent")
    receiver: object  # the panel as the writer is told where the piece went (lazy label)
    panel_title: str  # "{name}": the node's name
    issuer: str  # who issues the letter ("{name}" the node's name)
    issuer_code: str  # in the letter number ("{code}" the node's code)
    letter_title: str


POLICIES: dict[Tier, TierPolicy] = {
    Tier.CITY: TierPolicy(
        Tier.CITY, 0, "city", "writing", "city", "PANEL_MIN_CITY", Tier.PROVINCE, None, False, True, None, None,
        _l("tim fasilitator kota ini"), _l("tim penilai Korkot"), "Tim Penilai Korkot {name}", "Korkot {name}",
        "KORKOT-{code}", "BERITA ACARA SELEKSI BEST PRACTICE TINGKAT KOTA/KABUPATEN"),
    Tier.PROVINCE: TierPolicy(
        Tier.PROVINCE, 1, "province", "city", "kmw", "PANEL_MIN_PROVINCE", Tier.NATIONAL, PROVINCE_QUOTA, True,
        False, "passed", BestPractice.PROVINCE,
        _l("panel Korkot di wilayah KMW ini"), _l("tim penilai KMW"), "Tim Penilai {name}", "{name}", "{code}",
        "PENETAPAN BEST PRACTICE TINGKAT PROVINSI"),
    Tier.NATIONAL: TierPolicy(
        Tier.NATIONAL, 2, "national", "province", None, "PANEL_MIN_NATIONAL", None, NATIONAL_QUOTA, True, False,
        "selected", BestPractice.NATIONAL,
        _l("panel KMW"), _l("tim penilai KMP"), "Tim Penilai KMP", "Konsultan Manajemen Pusat (KMP)", "KMP",
        "PENETAPAN BEST PRACTICE TINGKAT NASIONAL"),
}


def policy(tier: Tier) -> TierPolicy:
    return POLICIES[tier]


def bottom_up() -> list[TierPolicy]:
    return sorted(POLICIES.values(), key=lambda p: p.order)
