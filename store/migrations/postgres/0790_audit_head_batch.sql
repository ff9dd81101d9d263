-- The journal appends a batch of entries at once and moves the audit head
-- once, to the last of them (store InsertAudit): the head may move forward
-- by more than one entry, but only onto an entry that exists with the
-- head's hash, every number between its old and new place taken.
CREATE OR REPLACE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq
        OR (SELECT count(*) FROM audit_entries WHERE seq > OLD.seq AND seq <= NEW.seq) <> NEW.seq - OLD.seq
        OR NOT EXISTS (SELECT 1 FROM audit_entries WHERE seq = NEW.seq AND hash = NEW.hash) THEN
        RAISE EXCEPTION 'the audit head only moves forward, onto the entries appended';
    END IF;
    RETURN NEW;
END $$;
