-- 0018 Arrangements agreed on paper before a school used the product are brought in with their original dates, and
-- marked as entered afterwards and by whom (issue 11, "Bringing in arrangements that already run"). Written by hand
-- (docs/adr/0003).

ALTER TABLE arrangements ADD entered_afterwards_by uuid;
ALTER TABLE arrangements ADD entered_afterwards_at timestamp with time zone;
