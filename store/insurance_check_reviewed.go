package store

import "hrss/insurance"

// The invariant of the corrections under four eyes (migration 0651),
// checked by CheckInvariant with the others.
func init() {
	invariantQueries[insurance.InvReviewedCorrections] = invariantSet{
		count: `SELECT count(*) FROM ins_prepared_corrections`,
		breaches: []string{
			`SELECT 'approved without its correction' AS what, p.id, p.correction_id FROM ins_prepared_corrections p
			LEFT JOIN ins_corrections c ON c.id = p.correction_id
			WHERE p.status = 'applied' AND (c.id IS NULL OR c.kind <> p.kind OR c.relation_id <> p.relation_id
				OR c.from_period <> p.from_period OR c.to_period <> p.to_period)`,
			`SELECT 'undecided or rejected with a correction' AS what, id, status, correction_id FROM ins_prepared_corrections
			WHERE status <> 'applied' AND correction_id IS NOT NULL`,
			`SELECT 'decided by its preparer' AS what, id, prepared_by, decided_by FROM ins_prepared_corrections
			WHERE status <> 'prepared' AND (decided_by IS NULL OR decided_by = prepared_by)`,
			`SELECT 'one correction applied twice' AS what, correction_id, count(*) AS n FROM ins_prepared_corrections
			WHERE correction_id IS NOT NULL GROUP BY correction_id HAVING count(*) > 1`,
		},
	}
}
