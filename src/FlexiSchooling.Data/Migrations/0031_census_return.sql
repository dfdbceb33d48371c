-- 0031 What the school census return of AP placements needs beyond what is held (issue 12): the reason for each
-- placement as the census records it, and the type of setting of a provider with neither URN nor UKPRN.
-- Written by hand (docs/adr/0003, 0023).

ALTER TABLE placements ADD census_reason character varying(30) NOT NULL DEFAULT 'Other';
ALTER TABLE alternative_providers ADD census_setting_type character varying(3);
