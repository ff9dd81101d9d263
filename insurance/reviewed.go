package insurance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hrss/access"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Corrections of closed periods under four eyes. A caseworker prepares a
// correction, by hand (PrepareCorrection) or derived from the record
// (DeriveCorrection: a changed yearly base declaration, or a relation
// registered after its months were closed); the preparation previews the
// adjustments without writing them. A reviewer other than the preparer
// approves it, which applies it then (correct.go: adjustment rows and
// bills, recomputed at that moment), or rejects it with a note
// (DecideCorrection).

// CorrectionSource says where a prepared correction comes from.
type CorrectionSource string

// The sources of a prepared correction.
const (
	SourceManual        CorrectionSource = "manual"         // typed by the caseworker
	SourceDeclaration   CorrectionSource = "declaration"    // a changed yearly base declaration
	SourceLateEnrolment CorrectionSource = "late_enrolment" // a relation registered after its months closed
)

// CorrectionStatus is where a prepared correction stands.
type CorrectionStatus string

// The statuses of a prepared correction.
const (
	CorrectionPrepared CorrectionStatus = "prepared"
	CorrectionApplied  CorrectionStatus = "applied"
	CorrectionRejected CorrectionStatus = "rejected"
)

// PreparedCorrection is a correction awaiting, or past, its review.
type PreparedCorrection struct {
	ID             int64            `json:"id"`
	Kind           PayerKind        `json:"kind"`
	RelationID     int64            `json:"relation_id"`
	PersonID       int64            `json:"person_id"`
	Division       string           `json:"division"`
	From           period.YearMonth `json:"from"`
	To             period.YearMonth `json:"to"`
	Wage           *money.Fen       `json:"wage,omitempty"` // nil: the registry's (the year's declaration, else the relation's)
	Reason         string           `json:"reason"`
	Source         CorrectionSource `json:"source"`
	Year           int              `json:"year,omitempty"`  // the declaration's contribution year
	PreviewTotal   money.Fen        `json:"preview_total"`   // what the adjustments would bill, as prepared
	PreviewPeriods int              `json:"preview_periods"` // the periods that would change
	Status         CorrectionStatus `json:"status"`
	PreparedBy     int64            `json:"prepared_by"`
	Preparer       string           `json:"preparer"`
	PreparedAt     time.Time        `json:"prepared_at"`
	DecidedBy      int64            `json:"decided_by,omitempty"`
	Decider        string           `json:"decider,omitempty"`
	DecidedAt      *time.Time       `json:"decided_at,omitempty"`
	Note           string           `json:"note,omitempty"`
	Correction     int64            `json:"correction,omitempty"` // the applied correction
}

// CorrectionFilter selects prepared corrections; zero fields do not filter.
type CorrectionFilter struct {
	Status     CorrectionStatus
	Kind       PayerKind
	RelationID int64
}

// ReviewTx is what the reviewed corrections need of a transaction; the
// store's insurance transaction implements it.
type ReviewTx interface {
	// InsertPreparedCorrection records pc; sets pc.ID. Conflict when the
	// relation has a prepared correction already.
	InsertPreparedCorrection(ctx context.Context, pc *PreparedCorrection) error
	// UpdatePreparedCorrection writes pc's decision.
	UpdatePreparedCorrection(ctx context.Context, pc PreparedCorrection) error
	// PreparedCorrection reads one, NotFound when there is none.
	PreparedCorrection(ctx context.Context, id int64) (PreparedCorrection, error)
	// PreparedCorrections lists those of f in ID order.
	PreparedCorrections(ctx context.Context, f CorrectionFilter) ([]PreparedCorrection, error)
}

func reviewTx(tx Tx) (ReviewTx, error) {
	rt, ok := tx.(ReviewTx)
	if !ok {
		return nil, fmt.Errorf("insurance: the transaction %T does not implement insurance.ReviewTx", tx)
	}
	return rt, nil
}

// PrepareCorrection prepares the correction in (correct.go says how it is computed)
// for a reviewer, with the preview of its adjustments; nothing is billed
// yet. It fails with Invalid for bad input (and rule correction.nothing
// when no closed period would change), NotFound for a relation out of
// the caseworker's divisions, and Conflict when the relation has a
// prepared correction already.
func (s *Service) PrepareCorrection(ctx context.Context, in CorrectionInput) (PreparedCorrection, error) {
	c, err := parseCorrection(in)
	if err != nil {
		return PreparedCorrection{}, err
	}
	return s.prepare(ctx, c, SourceManual, 0)
}

// DeriveInput names what a derived correction follows from: the yearly
// base declaration of Year of relation EmploymentID, or, with Year 0, the
// late enrolment of EmploymentID or FlexibleID (every closed month of the
// relation).
type DeriveInput struct {
	EmploymentID int64 `json:"employment_id"`
	FlexibleID   int64 `json:"flexible_id"`
	Year         int   `json:"year"`
}

// DeriveCorrection prepares, for a reviewer, the correction that the
// record calls for: the closed months of the declaration's year
// recomputed with the declared wage, or every closed month of a relation
// enrolled late, from the first month it covers (at most 120). The
// periods are found from the record; the preview says what would be
// billed. It fails with Invalid when no closed period would change.
func (s *Service) DeriveCorrection(ctx context.Context, in DeriveInput) (PreparedCorrection, error) {
	c := Correction{Kind: PayerEmployer, RelationID: in.EmploymentID}
	if (in.EmploymentID == 0) == (in.FlexibleID == 0) {
		return PreparedCorrection{}, fault.Invalidf("employment_id", "correction.relation", "give exactly one of employment_id and flexible_id")
	}
	if in.FlexibleID != 0 {
		if in.Year != 0 {
			return PreparedCorrection{}, fault.Invalidf("year", "correction.year", "a flexible worker declares no wage: derive a late enrolment (year 0)")
		}
		c.Kind, c.RelationID = PayerFlexible, in.FlexibleID
	}
	source, reason := SourceLateEnrolment, "late enrolment: the relation's closed months"
	if in.Year != 0 {
		if in.Year < 1990 || in.Year > 2100 {
			return PreparedCorrection{}, fault.Invalidf("year", "wage.year", "year %d must lie between 1990 and 2100", in.Year)
		}
		source, reason = SourceDeclaration, fmt.Sprintf("yearly base declaration of %d changed", in.Year)
	}
	c.Reason = reason
	return s.prepare(ctx, c, source, in.Year)
}

// prepare records c as a prepared correction after its preview; for a
// derived one (From zero) the periods are found first.
func (s *Service) prepare(ctx context.Context, c Correction, source CorrectionSource, year int) (PreparedCorrection, error) {
	var pc PreparedCorrection
	err := s.Store.Update(ctx, func(tx Tx) error {
		rt, err := reviewTx(tx)
		if err != nil {
			return err
		}
		div, err := tx.RelationDivision(ctx, c.Kind, c.RelationID)
		if err != nil {
			return err
		}
		caller, err := authorize(ctx, actCorrect, div)
		if err != nil {
			return err
		}
		if source != SourceManual {
			if c.From, c.To, err = s.derivedSpan(ctx, tx, c, year); err != nil {
				return err
			}
		}
		pc = PreparedCorrection{Kind: c.Kind, RelationID: c.RelationID, Division: div, From: c.From, To: c.To, Wage: c.Wage, Reason: c.Reason,
			Source: source, Year: year, Status: CorrectionPrepared, PreparedBy: caller.UserID, Preparer: caller.Actor(), PreparedAt: s.now()}
		if err := s.preview(ctx, tx, c, &pc); err != nil {
			return err
		}
		if err := rt.InsertPreparedCorrection(ctx, &pc); err != nil {
			return err
		}
		return s.record(ctx, tx, caller, "insurance.correction.prepare", fmt.Sprintf("prepared-correction/%d", pc.ID), pc.PersonID)
	})
	return pc, err
}

// derivedSpan finds the closed periods a derived correction covers: the
// months of year (or, for year 0, of every closed period) in which the
// relation was active, first to last. Invalid when there are none.
func (s *Service) derivedSpan(ctx context.Context, tx Tx, c Correction, year int) (from, to period.YearMonth, err error) {
	periods, err := tx.ListPeriods(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, st := range periods {
		p := st.Period
		if !st.Status.Final() || (year != 0 && p.Year() != year) {
			continue
		}
		_, active, err := tx.InsuredRelation(ctx, c.Kind, c.RelationID, p)
		if err != nil {
			return 0, 0, err
		}
		if active && (from == 0 || p < from) {
			from = p
		}
		if active && p > to {
			to = p
		}
	}
	if from == 0 {
		return 0, 0, fault.Invalidf("year", "correction.nothing", "no closed period of the relation to correct")
	}
	if to.Sub(from) >= maxCorrectionSpan {
		from = to - maxCorrectionSpan + 1
	}
	return from, to, nil
}

// preview fills pc's person and preview from the adjustments c would add.
func (s *Service) preview(ctx context.Context, tx Tx, c Correction, pc *PreparedCorrection) error {
	for p := c.From; p <= c.To; p++ {
		adj, _, _, err := s.adjustment(ctx, tx, c, p)
		if err != nil {
			return fmt.Errorf("period %s: %w", p, err)
		}
		if adj.PersonID != 0 {
			pc.PersonID = adj.PersonID
			pc.PreviewTotal += adj.Total()
			pc.PreviewPeriods++
		}
	}
	if pc.PreviewPeriods == 0 {
		return fault.Invalidf("from", "correction.nothing", "no closed period from %s to %s would change: there is nothing to correct", c.From, c.To)
	}
	return nil
}

// DecideCorrection approves (approve) or rejects prepared correction id
// with the reviewer's note (required to reject), in one audited
// transaction. The reviewer may not be its preparer (access.RequireApprover,
// four eyes) and must have its division in reach. Approval applies it:
// the adjustments are computed now, recorded as a correction with their
// bills, and the report says what they bill, which may
// differ from the preview when the record changed since.
func (s *Service) DecideCorrection(ctx context.Context, id int64, approve bool, note string) (PreparedCorrection, CorrectionReport, error) {
	var pc PreparedCorrection
	rep := CorrectionReport{Adjustments: []Row{}, Skipped: []string{}}
	err := s.Store.Update(ctx, func(tx Tx) error {
		rt, err := reviewTx(tx)
		if err != nil {
			return err
		}
		if pc, err = rt.PreparedCorrection(ctx, id); err != nil {
			return err
		}
		c, err := decider(ctx, decision{what: "correction", area: "correction", id: id, preparedBy: pc.PreparedBy, division: pc.Division,
			status: string(pc.Status), open: pc.Status == CorrectionPrepared, approve: approve, note: note}, &pc.Note)
		if err != nil {
			return err
		}
		now := s.now()
		pc.Status, pc.DecidedBy, pc.Decider, pc.DecidedAt = CorrectionRejected, c.UserID, c.Actor(), &now
		action := "insurance.correction.reject"
		if approve {
			pc.Status, action = CorrectionApplied, "insurance.correction.approve"
			corr := Correction{Kind: pc.Kind, RelationID: pc.RelationID, From: pc.From, To: pc.To, Wage: pc.Wage,
				Reason: pc.Reason, Actor: c.Actor(), CreatedAt: now, caller: c}
			if rep, err = s.applyCorrection(ctx, tx, &corr); err != nil {
				return err
			}
			pc.Correction = corr.ID
		}
		if err := rt.UpdatePreparedCorrection(ctx, pc); err != nil {
			return err
		}
		return s.record(ctx, tx, c, action, fmt.Sprintf("prepared-correction/%d", id), pc.PersonID)
	})
	return pc, rep, err
}

// PreparedCorrections lists the prepared corrections of f that the caller
// reaches (caseworkers and reviewers their divisions'), in ID order.
func (s *Service) PreparedCorrections(ctx context.Context, f CorrectionFilter) ([]PreparedCorrection, error) {
	c, err := access.Require(ctx, access.ReadBills)
	if err != nil {
		return nil, err
	}
	if !c.IsSystem() && !c.DivisionScoped() {
		return nil, fault.Forbiddenf("corrections are reviewed by caseworkers and reviewers")
	}
	var out []PreparedCorrection
	err = s.Store.View(ctx, func(tx Tx) error {
		rt, err := reviewTx(tx)
		if err != nil {
			return err
		}
		all, err := rt.PreparedCorrections(ctx, f)
		for _, pc := range all {
			if c.IsSystem() || reaches(c, pc.Division) {
				out = append(out, pc)
			}
		}
		return err
	})
	return out, err
}

// decision is what a reviewer decides: a record (what, id) prepared by
// preparedBy in division, its status and whether it is still open, the
// decision and its note; area names its rules.
type decision struct {
	what, area       string
	id, preparedBy   int64
	division, status string
	open, approve    bool
	note             string
}

// decider is the caller deciding d under four eyes: a reviewer other than
// its preparer (access.RequireApprover) with its division in reach
// (NotFound otherwise, as a missing one); Conflict (rule AREA.decided)
// when it is decided already, Invalid (AREA.reject_reason) for a
// rejection without a note. It writes the trimmed note to note.
func decider(ctx context.Context, d decision, note *string) (access.Caller, error) {
	c, err := access.RequireApprover(ctx, d.preparedBy)
	if err != nil {
		return c, err
	}
	if !c.IsSystem() && !reaches(c, d.division) {
		return c, fault.NotFoundf("no %s %d in your divisions", d.what, d.id)
	}
	if !d.open {
		return c, fault.Conflictf("status", d.area+".decided", "%s %d is %s already", d.what, d.id, d.status)
	}
	if *note = strings.TrimSpace(d.note); !d.approve && *note == "" {
		return c, fault.Invalidf("note", d.area+".reject_reason", "give the reason for rejecting the %s", d.what)
	}
	return c, nil
}
