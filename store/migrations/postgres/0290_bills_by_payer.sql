-- One payer's bills of every period (GET /api/v1/bills?payer_id=ID: an
-- employer agent's bills, an employer's page) read, without these
-- indexes, every bill, payment, overpayment and adjustment of every
-- period, since the others all lead with the period (found by
-- go run ./bench/load).

CREATE INDEX ins_bills_payer ON ins_bills (payer_kind, payer_id, period);
CREATE INDEX ins_payments_payer ON ins_payments (payer_kind, payer_id, period);
CREATE INDEX ins_overpayments_payer ON ins_overpayments (payer_kind, payer_id, period);
CREATE INDEX ins_adjustments_payer ON ins_adjustments (kind, payer_id, period);
