-- 0011 The gates before a flexi arrangement starts (issue 4): signatures on the agreement's current draft,
-- the local authority (and, where the profile says, the trust) notified, and the start date. Written by hand.
ALTER TABLE flexi_agreements ADD parent_signed_by character varying(200);
ALTER TABLE flexi_agreements ADD parent_signed_on date;
ALTER TABLE flexi_agreements ADD school_signed_by character varying(200);
ALTER TABLE flexi_agreements ADD school_signed_on date;
ALTER TABLE arrangements ADD local_authority_notified_on date;
ALTER TABLE arrangements ADD local_authority_notified_to character varying(200);
ALTER TABLE arrangements ADD trust_notified_on date;
ALTER TABLE arrangements ADD trust_notified_to character varying(200);
ALTER TABLE arrangements ADD started_on date;
