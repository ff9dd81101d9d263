-- The rows of one payer's bill in a run: a payment that settles a bill
-- of a closed period credits that payer's persons at once
-- (PostPaidCredits of one payer), which without this index read every
-- row of the period, once per such payment of a collection file.

CREATE INDEX ins_assessments_payer ON ins_assessments (period, run_id, kind, payer_id);
