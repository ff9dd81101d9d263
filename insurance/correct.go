package insurance

import (
	"context"
	"fmt"
	"time"

	"hrss/access"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// CorrectionInput is a retroactive correction of one employment relation
// (a wage declared wrongly) or a late enrolment (a relation registered
// after its months were assessed), for the closed periods From to To.
type CorrectionInput struct {
	EmploymentID int64  `json:"employment_id"` // the relation; or
	FlexibleID   int64  `json:"flexible_id"`   // a flexible enrolment
	From         string `json:"from"`          // first period, YYYY-MM
	To           string `json:"to"`            // last period, YYYY-MM
	Wage         string `json:"wage"`          // the corrected monthly wage in yuan; "" for the registry's
	Reason       string `json:"reason"`
}

// Correction is a correction as recorded.
type Correction struct {
	ID         int64            `json:"id"`
	Kind       PayerKind        `json:"kind"`
	RelationID int64            `json:"relation_id"`
	From, To   period.YearMonth `json:"-"`
	Wage       *money.Fen       `json:"wage,omitempty"`
	Reason     string           `json:"reason"`
	Actor      string           `json:"actor"`
	CreatedAt  time.Time        `json:"created_at"`
	caller     access.Caller
}

// CorrectionReport says what a correction added.
type CorrectionReport struct {
	Correction  int64     `json:"correction"`
	Adjustments []Row     `json:"adjustments"` // one per period that changed: the differences
	Total       money.Fen `json:"total"`       // sum of the differences billed
	Skipped     []string  `json:"skipped"`     // periods left alone, and why
}

// maxCorrectionSpan bounds the periods of one correction.
const maxCorrectionSpan = 120

// A correction recomputes one relation's closed periods From..To with the
// rules (rules.Params.Contribution, with the corrected wage when given)
// and adds, for each period whose result differs from what was assessed
// and adjusted before, an adjustment row of the differences, billed with
// that period (back payment, 补缴); a closed period's rows are never
// rewritten. Open periods are skipped: re-run their assessment instead.
// Account credits follow when the adjusted bill is paid. A correction is
// applied only when a reviewer approves it (reviewed.go: PrepareCorrection,
// DeriveCorrection, DecideCorrection).

// applyCorrection records correction c (its Actor, CreatedAt and caller
// set) and adds the adjustments of its periods, in tx.
func (s *Service) applyCorrection(ctx context.Context, tx Tx, c *Correction) (CorrectionReport, error) {
	rep := CorrectionReport{Adjustments: []Row{}, Skipped: []string{}}
	if err := tx.InsertCorrection(ctx, c); err != nil {
		return rep, err
	}
	rep.Correction = c.ID
	for p := c.From; p <= c.To; p++ {
		if err := s.correctPeriod(ctx, tx, *c, p, &rep); err != nil {
			return rep, fmt.Errorf("period %s: %w", p, err)
		}
	}
	return rep, nil
}

func parseCorrection(in CorrectionInput) (Correction, error) {
	c := Correction{Kind: PayerEmployer, RelationID: in.EmploymentID, Reason: in.Reason}
	if (in.EmploymentID == 0) == (in.FlexibleID == 0) {
		return c, fault.Invalidf("employment_id", "correction.relation", "give exactly one of employment_id and flexible_id")
	}
	if in.FlexibleID != 0 {
		c.Kind, c.RelationID = PayerFlexible, in.FlexibleID
	}
	var err error
	if c.From, err = period.ParseYearMonth(in.From); err != nil {
		return c, fault.Invalidf("from", "correction.from", "%q is not a period YYYY-MM", in.From)
	}
	if c.To, err = period.ParseYearMonth(in.To); err != nil || c.To < c.From || c.To.Sub(c.From) >= maxCorrectionSpan {
		return c, fault.Invalidf("to", "correction.to", "%q is not a period YYYY-MM from %s, at most %d months later", in.To, c.From, maxCorrectionSpan)
	}
	if in.Wage != "" {
		w, err := money.Parse(in.Wage)
		if err != nil || w <= 0 || c.Kind == PayerFlexible {
			return c, fault.Invalidf("wage", "correction.wage", "%q is not a positive wage in yuan (employees only)", in.Wage)
		}
		c.Wage = &w
	}
	if len(c.Reason) < 3 {
		return c, fault.Invalidf("reason", "correction.reason", "say why the period is corrected")
	}
	return c, nil
}

// correctPeriod adds the adjustment of one period, if any.
func (s *Service) correctPeriod(ctx context.Context, tx Tx, c Correction, p period.YearMonth, rep *CorrectionReport) error {
	adj, st, skip, err := s.adjustment(ctx, tx, c, p)
	if err != nil || adj.PersonID == 0 {
		if skip != "" {
			rep.Skipped = append(rep.Skipped, skip)
		}
		return err
	}
	if err := s.ensureBill(ctx, tx, st, adj); err != nil {
		return err
	}
	if err := tx.InsertAdjustment(ctx, c.ID, &adj); err != nil {
		return err
	}
	if err := tx.MarkFeeStale(ctx, BillKey{adj.Period, adj.Kind, adj.PayerID}, s.now()); err != nil { // its late fee runs on the new principal
		return err
	}
	rep.Adjustments = append(rep.Adjustments, adj)
	rep.Total += adj.Total()
	if err := s.record(ctx, tx, c.caller, "insurance.correct", fmt.Sprintf("correction/%d/period/%s", c.ID, p), adj.PersonID); err != nil {
		return err
	}
	return s.postCredits(ctx, tx, p, PayerRef{adj.Kind, adj.PayerID})
}

// adjustment computes, without writing, the adjustment that correction c
// adds to period p: the rules' result minus what was assessed and
// adjusted before. adj is empty (PersonID 0) when nothing changes, and
// also when the period is not closed, which skip then says.
func (s *Service) adjustment(ctx context.Context, tx Tx, c Correction, p period.YearMonth) (adj Row, st PeriodState, skip string, err error) {
	if st, err = tx.Period(ctx, p); err != nil {
		return Row{}, st, "", err
	}
	if !st.Status.Final() {
		return Row{}, st, fmt.Sprintf("%s: not closed; re-run its assessment", p), nil
	}
	in, active, err := tx.InsuredRelation(ctx, c.Kind, c.RelationID, p)
	if err != nil {
		return Row{}, st, "", err
	}
	want := Row{Period: p, Kind: c.Kind, RelationID: c.RelationID, PersonID: in.PersonID, Division: in.Division}
	if active {
		if c.Wage != nil {
			in.Wage = *c.Wage
		}
		if want, err = s.assessOne(in, p); err != nil {
			return Row{}, st, "", err
		}
	}
	have, err := tx.RelationRows(ctx, p, st.CurrentRun, c.Kind, c.RelationID)
	if err != nil {
		return Row{}, st, "", err
	}
	if adj = difference(want, have); isZero(adj) {
		adj = Row{}
	}
	return adj, st, "", nil
}

// assessOne computes one person-month with the per-person formula.
func (s *Service) assessOne(in registry.Insured, p period.YearMonth) (Row, error) {
	r := Row{Period: p, PersonID: in.PersonID, Division: in.Division}
	ci := rules.ContributionInput{Division: in.Division, Period: p, Wage: in.Wage, Kind: rules.KindEmployee, RiskClass: in.RiskClass, Float: money.Fen(in.RiskFloatPct).Dec()}
	r.Kind, r.RelationID, r.PayerID = PayerEmployer, in.EmploymentID, in.EmployerID
	if in.Kind == registry.KindFlexible {
		base, err := s.Params.FlexibleBase(in.Division, p, in.BasePct)
		if err != nil {
			return r, err
		}
		ci = rules.ContributionInput{Division: in.Division, Period: p, Wage: base, Kind: rules.KindFlexible}
		r.Kind, r.RelationID, r.PayerID = PayerFlexible, in.FlexibleID, in.PersonID
	}
	res, err := s.Params.Contribution(ci, false)
	if err != nil {
		return r, err
	}
	enrolled := enrolledIn(&in)
	r.Base = res.Base
	for _, l := range res.Lines {
		if enrolled.has(l.Insurance) {
			r.Lines[lineOf(l.Insurance, l.Party)] = l.Amount
		}
	}
	if enrolled.has(rules.Pension) {
		r.AccountCredit = res.AccountCredit
	}
	return r, nil
}

func lineOf(ins rules.Insurance, party rules.Party) rules.Line {
	for l := rules.Line(0); l < rules.NumLines; l++ {
		if l.Insurance() == ins && l.Party() == party {
			return l
		}
	}
	return rules.NumLines
}

// difference returns want minus everything in have (rows and earlier
// adjustments), keyed like want (or like have when want is empty).
func difference(want Row, have []Row) Row {
	d := want
	for _, h := range have {
		if d.PayerID == 0 {
			d.PayerID, d.Kind, d.RelationID, d.PersonID, d.Division = h.PayerID, h.Kind, h.RelationID, h.PersonID, h.Division
		}
		d.Base -= h.Base
		d.AccountCredit -= h.AccountCredit
		for l := range d.Lines {
			d.Lines[l] -= h.Lines[l]
		}
	}
	return d
}

func isZero(r Row) bool {
	if r.Base != 0 || r.AccountCredit != 0 {
		return false
	}
	for _, a := range r.Lines {
		if a != 0 {
			return false
		}
	}
	return true
}

// ensureBill adds an empty bill for a payer the period's run did not
// bill (a late enrolment), so that the adjustment has a bill to be paid
// against; the bill of the run itself is never changed.
func (s *Service) ensureBill(ctx context.Context, tx Tx, st PeriodState, adj Row) error {
	bills, err := tx.Bills(ctx, BillFilter{Period: st.Period, PayerKind: adj.Kind, PayerID: adj.PayerID})
	if err != nil || len(bills) > 0 {
		return err
	}
	return tx.InsertBills(ctx, []Bill{{Period: st.Period, Run: st.CurrentRun, PayerKind: adj.Kind, PayerID: adj.PayerID, Division: adj.Division}})
}
