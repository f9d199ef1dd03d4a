"""How many pieces each tier sends on: the procedure's quotas (standard library only, so that code that needs
only these numbers does not import pandas)."""

CITY_LARGE_TEAM_COUNT = 8  # a city with this many facilitator teams or more sends 3 pieces, a smaller one 2
CITY_QUOTA_LARGE = 3
CITY_QUOTA_SMALL = 2
PROVINCE_QUOTA = 3
NATIONAL_QUOTA = 5
