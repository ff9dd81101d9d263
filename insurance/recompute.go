package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// Pensions that follow the published figures. A pension decided before
// its retirement year's calculation base was published is provisional
// (Claim.ProvisionalYear; rules.Params.Pension used the latest base).
// Once a parameter file publishes the base, a caseworker or the
// scheduled scan prepares its recomputation: the same record and inputs
// recomputed, and the difference over every month paid
// (rules.Params.PensionRecomputation). A reviewer other than the preparer
// approves it (access.RequireApprover), which changes the claim's amount
// from the first month not yet paid; the next pension run pays the back
// pay as a line of its payment (BenefitPayment.BackPay), or a lower
// pension's recovery is netted from the next payments as an Overpayment.
// Nothing happens twice: a claim has at most one open or applied
// recomputation, and an applied one is provisional no more.

// RecomputationStatus is where a recomputation stands.
type RecomputationStatus string

// The statuses of a recomputation.
const (
	RecomputationPrepared RecomputationStatus = "prepared"
	RecomputationApplied  RecomputationStatus = "applied"
	RecomputationRejected RecomputationStatus = "rejected"
)

// Recomputation is a provisional pension recomputed with its year's
// published calculation base, awaiting or past its review.
type Recomputation struct {
	ID         int64     `json:"id"`
	ClaimID    int64     `json:"claim_id"`
	PersonID   int64     `json:"person_id"`
	Division   string    `json:"division"`
	BaseYear   int       `json:"base_year"`   // the retirement year whose base is published
	OldMonthly money.Fen `json:"old_monthly"` // as decided, provisional
	NewMonthly money.Fen `json:"new_monthly"` // as recomputed
	Months     int       `json:"months"`      // months paid the difference covers
	// Difference is what the months paid owe: back pay when positive, a
	// recovery when negative (as prepared; as applied once approved).
	Difference    money.Fen           `json:"difference"`
	From          period.YearMonth    `json:"from,omitempty"` // applied: the first month at the new amount
	Detail        json.RawMessage     `json:"detail"`         // the recomputed pension and the months, with their traces
	Status        RecomputationStatus `json:"status"`
	PreparedBy    int64               `json:"prepared_by"`
	Preparer      string              `json:"preparer"`
	PreparedAt    time.Time           `json:"prepared_at"`
	DecidedBy     int64               `json:"decided_by,omitempty"`
	Decider       string              `json:"decider,omitempty"`
	DecidedAt     *time.Time          `json:"decided_at,omitempty"`
	Note          string              `json:"note,omitempty"`
	OverpaymentID int64               `json:"overpayment_id,omitempty"` // a recovery: netted from the next payments
	PaidPeriod    period.YearMonth    `json:"paid_period,omitempty"`    // back pay: the payment that carried it
}

// RecomputationFilter selects recomputations; zero fields do not filter.
type RecomputationFilter struct {
	Status  RecomputationStatus
	ClaimID int64
}

// ProvisionalPension is an approved pension still provisional with no
// open or applied recomputation.
type ProvisionalPension struct {
	ClaimID  int64
	PersonID int64
	Division string
	Year     int // the retirement year whose base was not published
}

// RecomputeTx is what the recomputations need of a transaction; the
// store's insurance transaction implements it.
type RecomputeTx interface {
	// InsertRecomputation records r; sets r.ID. Conflict when the claim
	// has an open or applied recomputation.
	InsertRecomputation(ctx context.Context, r *Recomputation) error
	// UpdateRecomputation writes r's figures, decision and payment.
	UpdateRecomputation(ctx context.Context, r Recomputation) error
	// Recomputation reads one, NotFound when there is none.
	Recomputation(ctx context.Context, id int64) (Recomputation, error)
	// Recomputations lists those of f in ID order.
	Recomputations(ctx context.Context, f RecomputationFilter) ([]Recomputation, error)
	// ProvisionalPensions lists the approved provisional pensions without
	// an open or applied recomputation, in claim order.
	ProvisionalPensions(ctx context.Context) ([]ProvisionalPension, error)
	// ClaimAmounts lists a claim's amounts with the month each is in
	// force from, ascending.
	ClaimAmounts(ctx context.Context, claim int64) ([]rules.PensionAmount, error)
	// SetClaimAmount puts (or replaces) the claim's amount from month from.
	SetClaimAmount(ctx context.Context, claim int64, from period.YearMonth, amount money.Fen, reason string) error
	// SetPensionMonthly records a pension's recomputed monthly amount; it
	// is provisional no more.
	SetPensionMonthly(ctx context.Context, claim int64, monthly money.Fen) error
	// BackPayDue returns the claim's applied recomputation whose back pay
	// is still to be paid, if there is one.
	BackPayDue(ctx context.Context, claim int64) (Recomputation, bool, error)
}

func recomputeTx(tx Tx) (RecomputeTx, error) {
	rt, ok := tx.(RecomputeTx)
	if !ok {
		return nil, fmt.Errorf("insurance: the transaction %T does not implement insurance.RecomputeTx", tx)
	}
	return rt, nil
}

// RecomputeScan is what a scan for provisional pensions found.
type RecomputeScan struct {
	AsOf     period.YearMonth `json:"as_of"`    // the last month of payments the differences count
	Prepared []Recomputation  `json:"prepared"` // prepared by this scan (without their detail)
	Waiting  int              `json:"waiting"`  // provisional pensions whose base is still not published
}

// recomputeChunk is how many recomputations a scan prepares per
// transaction: a year's retirements of a large city are thousands.
const recomputeChunk = 100

// ScanRecomputations prepares, for review, the recomputation of every
// approved provisional pension in the caller's reach whose retirement
// year's calculation base is now published (rules.Params.CalcBasePublished),
// counting the months paid up to asOf (0: the current month). A pension
// with a recomputation open or applied is left alone, so a second scan
// prepares nothing new. It commits recomputeChunk at a time and can be
// re-run. It fails with Forbidden for a caller who may not open claims.
func (s *Service) ScanRecomputations(ctx context.Context, asOf period.YearMonth) (RecomputeScan, error) {
	c, err := authorize(ctx, actClaim, "")
	if err != nil {
		return RecomputeScan{}, err
	}
	scan := RecomputeScan{AsOf: s.asOf(asOf), Prepared: []Recomputation{}}
	var todo []ProvisionalPension
	err = s.Store.View(ctx, func(tx Tx) error {
		rt, err := recomputeTx(tx)
		if err != nil {
			return err
		}
		all, err := rt.ProvisionalPensions(ctx)
		todo = inReach(c, all, func(p ProvisionalPension) (int64, string) { return p.PersonID, p.Division })
		return err
	})
	if err != nil {
		return scan, err
	}
	var due []int64
	for _, pp := range todo {
		ok, err := s.Params.CalcBasePublished(pp.Division, pp.Year)
		if err != nil {
			return scan, err
		}
		if !ok {
			scan.Waiting++
			continue
		}
		due = append(due, pp.ClaimID)
	}
	for i := 0; i < len(due); i += recomputeChunk {
		err := s.Store.Update(ctx, func(tx Tx) error {
			for _, id := range due[i:min(i+recomputeChunk, len(due))] {
				r, err := s.prepareRecomputation(ctx, tx, c, id, scan.AsOf)
				if err != nil {
					return fmt.Errorf("claim %d: %w", id, err)
				}
				r.Detail = nil
				scan.Prepared = append(scan.Prepared, r)
			}
			return nil
		})
		if err != nil {
			return scan, err
		}
	}
	return scan, nil
}

// asOf is p, or the service clock's month for 0.
func (s *Service) asOf(p period.YearMonth) period.YearMonth {
	if p == 0 {
		return s.today().Month()
	}
	return p
}

// PrepareRecomputation prepares, for review, the recomputation of pension
// claim id with its retirement year's published base, counting the months
// paid up to asOf (0: the current month). It fails with Invalid when the
// claim is not an approved provisional pension (recompute.provisional) or
// its base is still not published (recompute.published), Conflict when a
// recomputation of it is open or applied, NotFound out of the caller's
// divisions and Forbidden for a caller who may not open claims.
func (s *Service) PrepareRecomputation(ctx context.Context, id int64, asOf period.YearMonth) (Recomputation, error) {
	var r Recomputation
	err := s.Store.Update(ctx, func(tx Tx) error {
		cl, err := tx.Claim(ctx, id)
		if err != nil {
			return err
		}
		c, err := authorize(ctx, actClaim, cl.Division)
		if err != nil {
			return err
		}
		r, err = s.prepareRecomputation(ctx, tx, c, id, s.asOf(asOf))
		return err
	})
	return r, err
}

// prepareRecomputation recomputes claim id and records the recomputation
// prepared by c, audited.
func (s *Service) prepareRecomputation(ctx context.Context, tx Tx, c access.Caller, id int64, asOf period.YearMonth) (Recomputation, error) {
	rt, err := recomputeTx(tx)
	if err != nil {
		return Recomputation{}, err
	}
	cl, err := tx.Claim(ctx, id)
	if err != nil {
		return Recomputation{}, err
	}
	if cl.Kind != ClaimPension || cl.Status != ClaimApproved || cl.ProvisionalYear == 0 {
		return Recomputation{}, fault.Invalidf("claim_id", "recompute.provisional", "claim %d is not an approved provisional pension", id)
	}
	open, err := rt.Recomputations(ctx, RecomputationFilter{ClaimID: id})
	if err != nil {
		return Recomputation{}, err
	}
	for _, o := range open {
		if o.Status != RecomputationRejected {
			return Recomputation{}, fault.Conflictf("claim_id", "recompute.open", "claim %d has recomputation %d %s already", id, o.ID, o.Status)
		}
	}
	pin, res, err := s.recomputedPension(cl)
	if err != nil {
		return Recomputation{}, err
	}
	r := Recomputation{ClaimID: cl.ID, PersonID: cl.PersonID, Division: cl.Division, BaseYear: cl.ProvisionalYear, OldMonthly: cl.Monthly,
		NewMonthly: res.Total, Status: RecomputationPrepared, PreparedBy: c.UserID, Preparer: c.Actor(), PreparedAt: s.now()}
	if _, err := s.backPay(ctx, tx, &r, cl, pin, res, asOf); err != nil {
		return r, err
	}
	if err := rt.InsertRecomputation(ctx, &r); err != nil {
		return r, err
	}
	return r, s.record(ctx, tx, c, "insurance.pension.recompute.prepare", fmt.Sprintf("recomputation/%d", r.ID), r.PersonID)
}

// recomputedPension recomputes a provisional pension from the input kept
// in its detail with the parameters now in force; Invalid when its base
// is still not published.
func (s *Service) recomputedPension(cl Claim) (rules.PensionInput, rules.PensionResult, error) {
	var d struct {
		Pension rules.PensionInput `json:"pension"`
	}
	if err := json.Unmarshal(cl.Detail, &d); err != nil {
		return d.Pension, rules.PensionResult{}, fmt.Errorf("claim %d: its detail: %w", cl.ID, err)
	}
	res, err := s.Params.Pension(d.Pension, true)
	if err == nil && res.Provisional {
		err = fault.Invalidf("claim_id", "recompute.published", "the calculation base of %d is not published yet: claim %d stays provisional", cl.ProvisionalYear, cl.ID)
	}
	return d.Pension, res, err
}

// backPay fills r's months and difference from the claim's payments up
// to asOf (rules.Params.PensionRecomputation) and its detail, and returns
// the recomputation's figures.
func (s *Service) backPay(ctx context.Context, tx Tx, r *Recomputation, cl Claim, pin rules.PensionInput, res rules.PensionResult, asOf period.YearMonth) (rules.RecomputationResult, error) {
	rt, err := recomputeTx(tx)
	if err != nil {
		return rules.RecomputationResult{}, err
	}
	amounts, err := rt.ClaimAmounts(ctx, cl.ID)
	if err != nil {
		return rules.RecomputationResult{}, err
	}
	pays, err := tx.ClaimPayments(ctx, cl.ID)
	if err != nil {
		return rules.RecomputationResult{}, err
	}
	var paid []rules.PensionPaid
	for _, p := range pays {
		if p.Period <= asOf {
			paid = append(paid, rules.PensionPaid{Period: p.Period, Amount: p.Amount})
		}
	}
	rc, err := s.Params.PensionRecomputation(rules.RecomputationInput{Division: cl.Division, Old: cl.Monthly, New: r.NewMonthly, Amounts: amounts, Paid: paid}, true)
	if err != nil {
		return rc, err
	}
	r.Months, r.Difference = len(paid), rc.Difference
	r.Detail, err = json.Marshal(map[string]any{"pension": pin, "result": res, "as_of": asOf, "recomputation": rc})
	return rc, err
}

// DecideRecomputation approves (approve) or rejects recomputation id with
// the reviewer's note (required to reject), in one audited transaction.
// The reviewer may not be its preparer (access.RequireApprover, four
// eyes) and must have its division in reach. Approval counts the months
// paid until now (the difference may differ from the preview when a run
// paid since), changes the claim's amount from the first month not yet
// paid (and its later yearly adjustments), and leaves the back pay to the
// next pension run or records the recovery as an overpayment netted from
// the next payments. It fails with Conflict for a recomputation decided
// already or a claim no longer provisional.
func (s *Service) DecideRecomputation(ctx context.Context, id int64, approve bool, note string) (Recomputation, error) {
	var r Recomputation
	err := s.Store.Update(ctx, func(tx Tx) error {
		rt, err := recomputeTx(tx)
		if err != nil {
			return err
		}
		if r, err = rt.Recomputation(ctx, id); err != nil {
			return err
		}
		c, err := decider(ctx, decision{what: "recomputation", area: "recompute", id: id, preparedBy: r.PreparedBy, division: r.Division,
			status: string(r.Status), open: r.Status == RecomputationPrepared, approve: approve, note: note}, &r.Note)
		if err != nil {
			return err
		}
		now := s.now()
		r.Status, r.DecidedBy, r.Decider, r.DecidedAt = RecomputationRejected, c.UserID, c.Actor(), &now
		action := "insurance.pension.recompute.reject"
		if approve {
			r.Status, action = RecomputationApplied, "insurance.pension.recompute.approve"
			if err := s.applyRecomputation(ctx, tx, &r); err != nil {
				return err
			}
		}
		if err := rt.UpdateRecomputation(ctx, r); err != nil {
			return err
		}
		return s.record(ctx, tx, c, action, fmt.Sprintf("recomputation/%d", id), r.PersonID)
	})
	return r, err
}

// applyRecomputation recounts r over every month paid and applies it:
// the claim's amounts from the first month not yet paid, its monthly
// amount, and a recovery's overpayment.
func (s *Service) applyRecomputation(ctx context.Context, tx Tx, r *Recomputation) error {
	rt, err := recomputeTx(tx)
	if err != nil {
		return err
	}
	cl, err := tx.Claim(ctx, r.ClaimID)
	if err != nil {
		return err
	}
	if cl.Status != ClaimApproved || cl.ProvisionalYear == 0 || cl.Monthly != r.OldMonthly {
		return fault.Conflictf("status", "recompute.claim_changed", "claim %d is %s and no longer the provisional pension recomputed", cl.ID, cl.Status)
	}
	var d struct {
		Pension rules.PensionInput  `json:"pension"`
		Result  rules.PensionResult `json:"result"`
	}
	if err := json.Unmarshal(r.Detail, &d); err != nil {
		return fmt.Errorf("recomputation %d: its detail: %w", r.ID, err)
	}
	rc, err := s.backPay(ctx, tx, r, cl, d.Pension, d.Result, paidUntilNow)
	if err != nil {
		return err
	}
	r.From = cl.Start
	if n := len(rc.Months); n > 0 {
		r.From = max(r.From, rc.Months[n-1].Period.Add(1))
	}
	reason := fmt.Sprintf("recomputed with the published calculation base of %d (recomputation %d)", r.BaseYear, r.ID)
	amounts := rc.Amounts
	if err := rt.SetClaimAmount(ctx, cl.ID, r.From, amountFrom(amounts, r.From), reason); err != nil {
		return err
	}
	for _, a := range amounts {
		if a.From > r.From {
			if err := rt.SetClaimAmount(ctx, cl.ID, a.From, a.Amount, reason); err != nil {
				return err
			}
		}
	}
	if err := rt.SetPensionMonthly(ctx, cl.ID, r.NewMonthly); err != nil {
		return err
	}
	if r.Difference >= 0 {
		return nil
	}
	months, _ := json.Marshal(map[string]any{"recomputation": r.ID, "months": rc.Months})
	o := Overpayment{ClaimID: cl.ID, PersonID: cl.PersonID, Division: cl.Division, Amount: -r.Difference, Detail: months, CreatedAt: s.now()}
	if err := tx.InsertOverpayment(ctx, &o); err != nil {
		return err
	}
	r.OverpaymentID = o.ID
	return nil
}

// paidUntilNow is the asOf that counts every month paid.
const paidUntilNow = period.YearMonth(1 << 30)

// amountFrom is the amount of as (ascending, not empty) in force in month
// p.
func amountFrom(as []rules.PensionAmount, p period.YearMonth) money.Fen {
	amt := as[0].Amount
	for _, a := range as {
		if a.From <= p {
			amt = a.Amount
		}
	}
	return amt
}

// Recomputations lists the recomputations of f that the caller reaches
// (staff their divisions', a citizen their own), in ID order, without
// their detail.
func (s *Service) Recomputations(ctx context.Context, f RecomputationFilter) ([]Recomputation, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return nil, err
	}
	var out []Recomputation
	err = s.Store.View(ctx, func(tx Tx) error {
		rt, err := recomputeTx(tx)
		if err != nil {
			return err
		}
		out, err = rt.Recomputations(ctx, f)
		return err
	})
	out = inReach(c, out, func(r Recomputation) (int64, string) { return r.PersonID, r.Division })
	for i := range out {
		out[i].Detail = nil
	}
	return out, err
}

// Recomputation returns one recomputation with its detail, audited as a
// view of the person's record; NotFound when out of the caller's reach.
func (s *Service) Recomputation(ctx context.Context, id int64) (Recomputation, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return Recomputation{}, err
	}
	var r Recomputation
	err = s.Store.Update(ctx, func(tx Tx) error {
		rt, err := recomputeTx(tx)
		if err != nil {
			return err
		}
		if r, err = rt.Recomputation(ctx, id); err != nil {
			return err
		}
		if !ownPerson(c, r.PersonID, r.Division) {
			return fault.NotFoundf("recomputation %d not found", id)
		}
		return s.record(ctx, tx, c, "insurance.pension.recompute.view", fmt.Sprintf("recomputation/%d", id), r.PersonID)
	})
	return r, err
}

// backPayLine adds to pay, a pension's payment, the back pay of its
// applied recomputation not yet paid, and records the payment on it.
func backPayLine(ctx context.Context, tx Tx, pay *BenefitPayment) error {
	rt, err := recomputeTx(tx)
	if err != nil {
		return err
	}
	r, ok, err := rt.BackPayDue(ctx, pay.ClaimID)
	if err != nil || !ok {
		return err
	}
	pay.BackPay, pay.RecomputationID = r.Difference, r.ID
	r.PaidPeriod = pay.Period
	return rt.UpdateRecomputation(ctx, r)
}
