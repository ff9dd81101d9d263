package support

import (
	"context"
	"fmt"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/period"
)

// ScanOptions narrows a scan.
type ScanOptions struct {
	Programme string      // one programme; "" for every programme found from the records
	AsOf      period.Date // the day the records are read as of; today when zero
}

// Scan evaluates the programmes over the live data and creates a pending
// grant, with the decision's trace, for every eligible candidate whose
// family does not already pay its key (免申即享: nobody applies). A grant
// that still stands but whose candidate is no longer eligible as of the
// same or a later day loses it: a grant not yet paid is revoked, a paid
// one gets a clawback recorded. A scan is idempotent: run again on the
// same data it creates and revokes nothing. It needs RunSupport
// (city-wide) and fails with Invalid for an unknown programme or one that
// is applied for (a loan).
func (s *Service) Scan(ctx context.Context, opt ScanOptions) (Scan, error) {
	c, err := authorize(ctx, access.RunSupport, "")
	if err != nil {
		return Scan{}, err
	}
	progs, err := s.scanned(opt.Programme)
	if err != nil {
		return Scan{}, err
	}
	if opt.AsOf.IsZero() {
		opt.AsOf = s.today()
	}
	sc := Scan{AsOf: opt.AsOf, Programme: opt.Programme, Actor: c.Actor(), StartedAt: s.now(), ByProgramme: map[string]*ProgrammeScan{}}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.InsertScan(ctx, &sc) }); err != nil {
		return Scan{}, err
	}
	for _, g := range progs {
		ps := &ProgrammeScan{}
		sc.ByProgramme[g.Code] = ps
		if err := s.scanProgramme(ctx, c, g, &sc, ps); err != nil {
			return sc, err
		}
		sc.Eligible += ps.Eligible
		sc.Created += ps.Created
		sc.Revoked += ps.Revoked
	}
	sc.FinishedAt = s.now()
	err = s.Store.Update(ctx, func(tx Tx) error {
		if err := tx.UpdateScan(ctx, sc); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "support.scan", fmt.Sprintf("scan/%d: as of %s, %d eligible, %d created, %d revoked", sc.ID, sc.AsOf, sc.Eligible, sc.Created, sc.Revoked))
	})
	return sc, err
}

// Scans lists the latest scans, newest first, at most limit of them (20
// when limit is not positive). It needs RunSupport (city-wide), as a scan
// does.
func (s *Service) Scans(ctx context.Context, limit int) ([]Scan, error) {
	if _, err := authorize(ctx, access.RunSupport, ""); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = 20
	}
	var out []Scan
	err := s.Store.View(ctx, func(tx Tx) (err error) {
		out, err = tx.ListScans(ctx, limit)
		return err
	})
	return out, err
}

// scanned returns the programmes a scan evaluates.
func (s *Service) scanned(code string) ([]*rules.Programme, error) {
	if code != "" {
		g, err := s.Params.Programme(code)
		if err != nil {
			return nil, err
		}
		if g.Formula == rules.FormulaStartupLoan {
			return nil, fault.Invalidf("programme", "support.scan_loan", "programme %s is applied for by the borrower, not found by a scan", code)
		}
		return []*rules.Programme{g}, nil
	}
	var out []*rules.Programme
	for _, g := range s.Params.Programmes() {
		if g.Formula != rules.FormulaStartupLoan {
			out = append(out, g)
		}
	}
	return out, nil
}

// scanProgramme decides every candidate of g, writes the new grants in
// chunks and settles the grants whose eligibility is lost.
func (s *Service) scanProgramme(ctx context.Context, c access.Caller, g *rules.Programme, sc *Scan, ps *ProgrammeScan) error {
	if g.ClaimClosed(sc.AsOf) {
		return nil // no grant is found any more; those found stand
	}
	var found []Grant
	eligible := map[string]bool{}
	err := s.Store.View(ctx, func(tx Tx) error {
		return tx.Candidates(ctx, g, sc.AsOf, func(cd Candidate) error {
			ps.Candidates++
			gr, ok, err := s.decide(g, cd, sc)
			if err != nil || !ok {
				return err
			}
			ps.Eligible++
			eligible[gr.Key] = true
			found = append(found, gr)
			return nil
		})
	})
	if err != nil {
		return err
	}
	if err := s.writeGrants(ctx, c, found, sc, ps); err != nil {
		return err
	}
	return s.settleLost(ctx, c, g, eligible, sc, ps)
}

// decide turns an eligible candidate into a pending grant.
func (s *Service) decide(g *rules.Programme, cd Candidate, sc *Scan) (Grant, bool, error) {
	cd.Facts.AsOf = sc.AsOf
	d, err := s.Params.Decide(g.Code, cd.Facts, false) // most candidates fail: explain only the eligible
	if err != nil || !d.Eligible {
		return Grant{}, false, err
	}
	if d, err = s.Params.Decide(g.Code, cd.Facts, true); err != nil {
		return Grant{}, false, err
	}
	gr := Grant{Programme: g.Code, Family: g.Family, Key: g.Key(cd.PersonID, cd.EmployerID), PersonID: cd.PersonID,
		EmployerID: cd.EmployerID, Beneficiary: g.Beneficiary, Division: cd.Division, Source: cd.Source, Event: cd.Facts.Event,
		Amount: d.Amount, Months: d.Months, Group: d.Group, Reason: d.Reason, Trace: d.Trace, ScanID: sc.ID, Status: Pending,
		CreatedAt: s.now(), UpdatedAt: s.now()}
	gr.PayeeID = cd.PersonID
	if g.Beneficiary == rules.PaysEmployer {
		gr.PayeeID = cd.EmployerID
	}
	for _, m := range cd.Facts.Paid[:min(len(cd.Facts.Paid), d.Months)] {
		gr.Source.PaidMonths = append(gr.Source.PaidMonths, m.Period)
	}
	return gr, true, nil
}

// writeGrants inserts the grants found, a chunk per transaction with one
// audit entry naming its persons.
func (s *Service) writeGrants(ctx context.Context, c access.Caller, found []Grant, sc *Scan, ps *ProgrammeScan) error {
	for i := 0; i < len(found); i += s.chunk() {
		part := found[i:min(i+s.chunk(), len(found))]
		created, amount := 0, ps.Amount
		err := s.Store.Update(ctx, func(tx Tx) error {
			created, amount = 0, ps.Amount
			var persons []int64
			for j := range part {
				ok, err := tx.InsertGrant(ctx, &part[j], sc.AsOf)
				if err != nil {
					return err
				}
				if ok {
					created++
					amount += part[j].Amount
					persons = append(persons, part[j].PersonID)
				}
			}
			if created == 0 {
				return nil
			}
			return s.record(ctx, tx, c, "support.grants.found", fmt.Sprintf("scan/%d: %d grants of %s", sc.ID, created, part[0].Programme), persons...)
		})
		if err != nil {
			return err
		}
		ps.Created += created
		ps.Amount = amount
	}
	return nil
}

// settleLost revokes the unpaid grants of g, and records a clawback on
// the paid ones, whose key is no longer eligible.
func (s *Service) settleLost(ctx context.Context, c access.Caller, g *rules.Programme, eligible map[string]bool, sc *Scan, ps *ProgrammeScan) error {
	return s.Store.Update(ctx, func(tx Tx) error {
		live, err := tx.LiveGrants(ctx, g.Code, sc.AsOf)
		if err != nil {
			return err
		}
		for _, gr := range live {
			if eligible[gr.Key] || gr.Source.LoanID != 0 {
				continue
			}
			if err := s.lose(ctx, tx, c, gr, fmt.Sprintf("scan %d as of %s: no longer eligible", sc.ID, sc.AsOf)); err != nil {
				return err
			}
			ps.Revoked++
		}
		return nil
	})
}

// lose settles one grant whose eligibility is lost: revoked before it is
// paid (an issued payment is left to the bank's return), a clawback
// recorded after.
func (s *Service) lose(ctx context.Context, tx Tx, c access.Caller, gr Grant, why string) error {
	switch gr.Status {
	case Paid:
		gr.Status = Clawback
	case Pending, Prepared, Approved, Failed:
		gr.Status = Revoked
	default:
		return nil
	}
	gr.Note, gr.UpdatedAt = why, s.now()
	if err := tx.UpdateGrant(ctx, gr); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "support.grant."+string(gr.Status), fmt.Sprintf("grant/%d: %s", gr.ID, why), gr.PersonID)
}
