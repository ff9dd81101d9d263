package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/shopspring/decimal"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// ClaimKind is the benefit a claim is for.
type ClaimKind string

// The kinds of claim.
const (
	ClaimPension      ClaimKind = "pension"
	ClaimUnemployment ClaimKind = "unemployment"
)

// ClaimStatus is where a claim stands.
type ClaimStatus string

// The statuses of a claim.
const (
	ClaimPending   ClaimStatus = "pending"   // prepared, awaiting a reviewer
	ClaimApproved  ClaimStatus = "approved"  // paid by the monthly runs
	ClaimRejected  ClaimStatus = "rejected"  // refused by the reviewer
	ClaimStopped   ClaimStatus = "stopped"   // unemployment: stopped on a ground of 社会保险法 Art. 51; the unused months carry over
	ClaimExhausted ClaimStatus = "exhausted" // unemployment: every month paid
)

// Claim is a benefit claim (待遇申领) with its decision and payments so far.
type Claim struct {
	ID            int64            `json:"id"`
	Kind          ClaimKind        `json:"kind"`
	PersonID      int64            `json:"person_id"`
	Division      string           `json:"division"`
	Status        ClaimStatus      `json:"status"`
	Start         period.YearMonth `json:"start"`   // first month paid
	Monthly       money.Fen        `json:"monthly"` // as decided (pensions: before yearly adjustments)
	MaxMonths     int              `json:"max_months,omitempty"`
	MonthsPaid    int              `json:"months_paid"`
	CarriedMonths int              `json:"carried_months,omitempty"` // unused months left when stopped
	Detail        json.RawMessage  `json:"detail"`                   // input, result and trace
	Preparer      string           `json:"preparer"`
	Reviewer      string           `json:"reviewer,omitempty"`
	PreparedAt    time.Time        `json:"prepared_at"`
	ReviewedAt    time.Time        `json:"reviewed_at,omitzero"`
	StopReason    rules.Why        `json:"stop_reason,omitempty"` // why and from when it stopped: messages of the catalogue (claim.stop.*)
	StopPeriod    period.YearMonth `json:"stop_period,omitempty"`
	StopDate      period.Date      `json:"stop_date,omitzero"`    // the day of the Art. 51 event: owed for the days before it
	StopGround    StopGround       `json:"stop_ground,omitempty"` // its ground
	FinalDue      money.Fen        `json:"final_due,omitempty"`   // still owed for the stop month's days before the event, paid by the next run
	// ProvisionalYear is, for a pension decided before its retirement
	// year's calculation base was published, that year, until the
	// pension is recomputed with it (recompute.go); 0 otherwise.
	ProvisionalYear int `json:"provisional_year,omitempty"`
}

// PensionClaimInput is what a caseworker enters to open a pension claim.
type PensionClaimInput struct {
	PersonID    int64          `json:"person_id"`
	Category    rules.Category `json:"category"`     // male, female-55 or female-50
	Retire      string         `json:"retire"`       // YYYY-MM, the first month of pension
	DeemedYears string         `json:"deemed_years"` // 视同缴费年限, e.g. "3.5"; "" for none
	DeemedIndex string         `json:"deemed_index"` // index of the deemed years; "" for 1
	CalcBase    string         `json:"calc_base"`    // C in yuan when decided by hand; "" for the parameter
}

// PensionRecord is what a pension is computed from: the person's record.
type PensionRecord struct {
	Months       int               `json:"months"`       // contribution months on record
	Months1997   int               `json:"months_1997"`  // of which before 1998
	DeemedYears  money.Dec         `json:"deemed_years"` // entered on the claim
	DeemedIndex  money.Dec         `json:"deemed_index"` // entered on the claim
	YearIndices  map[int]money.Dec `json:"year_indices"` // own average base / average wage, per year
	AverageIndex money.Dec         `json:"avg_index"`    // Z, months-weighted, 4 decimals half-up
	Index1997    money.Dec         `json:"index_1997"`   // Z1997, 4 decimals half-up
	Years        money.Dec         `json:"years"`        // N, 2 decimals half-up
	Years1997    money.Dec         `json:"years_1997"`   // N1997, 2 decimals half-up
	Balance      money.Fen         `json:"balance"`      // account balance at retirement, with the year's interest to date
	// InterestToDate is the retirement year's interest for the months
	// elapsed (rules.Params.RetirementInterest), included in Balance; nil
	// when the year's interest is posted already.
	InterestToDate *rules.AccountYear `json:"interest_to_date,omitempty"`
	Window         [2]string          `json:"window"` // flexible retirement window
	StatutoryMon   string             `json:"statutory_month"`
	balanceTrace   []rules.Step       // how the balance at retirement takes its interest to date
}

func parseDecField(field, s, def string) (money.Dec, error) {
	if s == "" {
		s = def
	}
	d, err := money.ParseDec(s)
	if err != nil || d.IsNegative() {
		return d, fault.Invalidf(field, "claim."+field, "%q is not a non-negative decimal", s)
	}
	return d, nil
}

// OpenPensionClaim opens a pension claim at retirement: eligibility from
// the rules (rules.Params.RetirementAge: the retirement month must lie in
// the flexible window; rules.Params.Pension refuses fewer contribution
// years than the minimum for the year), the amount from the person's
// record (yearly indices of own base against the average wage, months
// paid plus the deemed years entered, the account balance) with its
// trace. The claim waits for a reviewer. It fails with Invalid naming
// the field and rule, NotFound for an unknown person, Forbidden for a
// caller who is not a caseworker of the person's division.
func (s *Service) OpenPensionClaim(ctx context.Context, in PensionClaimInput) (Claim, error) {
	retire, err := period.ParseYearMonth(in.Retire)
	if err != nil {
		return Claim{}, fault.Invalidf("retire", "claim.retire", "%q is not a month YYYY-MM", in.Retire)
	}
	deemed, err := parseDecField("deemed_years", in.DeemedYears, "0")
	if err != nil {
		return Claim{}, err
	}
	dIndex, err := parseDecField("deemed_index", in.DeemedIndex, "1")
	if err != nil {
		return Claim{}, err
	}
	var cb *money.Fen
	if in.CalcBase != "" {
		f, err := money.Parse(in.CalcBase)
		if err != nil {
			return Claim{}, fault.Invalidf("calc_base", "claim.calc_base", "%q is not an amount in yuan", in.CalcBase)
		}
		cb = &f
	}
	var cl Claim
	err = s.Store.Update(ctx, func(tx Tx) error {
		pb, c, err := s.claimPerson(ctx, tx, in.PersonID)
		if err != nil {
			return err
		}
		if err := noOpenClaim(ctx, tx, pb.ID, ClaimPension); err != nil {
			return err
		}
		rec, ret, err := s.pensionRecord(ctx, tx, pb, in.Category, retire, deemed, dIndex)
		if err != nil {
			return err
		}
		pin := rules.PensionInput{Division: pb.Division, Birth: pb.Birth.Month(), Retire: retire, CalcBase: cb, AverageIndex: rec.AverageIndex,
			ContributionYears: rec.Years, TransitionalIndex: rec.Index1997, TransitionalYears: rec.Years1997, AccountBalance: rec.Balance}
		res, err := s.Params.Pension(pin, true)
		if err != nil {
			return err
		}
		res.Trace = append(rec.balanceTrace, res.Trace...)
		detail, _ := json.Marshal(map[string]any{"input": in, "record": rec, "retirement": ret, "pension": pin, "result": res})
		cl = Claim{Kind: ClaimPension, PersonID: pb.ID, Division: pb.Division, Status: ClaimPending, Start: retire, Monthly: res.Total,
			Detail: detail, Preparer: c.Actor(), PreparedAt: s.now()}
		if res.Provisional {
			cl.ProvisionalYear = retire.Year()
		}
		if err := tx.InsertClaim(ctx, &cl); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.claim.open", fmt.Sprintf("claim/%d", cl.ID), cl.PersonID)
	})
	return cl, err
}

// noOpenClaim refuses a second claim of kind while one is pending or
// approved: a benefit is paid once a month.
func noOpenClaim(ctx context.Context, tx Tx, person int64, kind ClaimKind) error {
	for _, st := range []ClaimStatus{ClaimPending, ClaimApproved} {
		cs, err := tx.ListClaims(ctx, ClaimFilter{Kind: kind, PersonID: person, Status: st})
		if err != nil {
			return err
		}
		if len(cs) > 0 {
			return fault.Conflictf("person_id", "claim.one_open", "person %d has %s %s claim %d", person, st, kind, cs[0].ID)
		}
	}
	return nil
}

// claimPerson reads the person and checks the caller may open a claim.
func (s *Service) claimPerson(ctx context.Context, tx Tx, id int64) (PersonBasics, access.Caller, error) {
	pb, err := tx.PersonBasics(ctx, id)
	if fault.KindOf(err) == fault.NotFound {
		return pb, access.Caller{}, fault.Invalidf("person_id", "reference.exists", "there is no person with id %d", id)
	}
	if err != nil {
		return pb, access.Caller{}, err
	}
	c, err := authorize(ctx, actClaim, pb.Division)
	if fault.KindOf(err) == fault.NotFound { // a person out of reach answers as one that does not exist
		err = fault.Invalidf("person_id", "reference.exists", "there is no person with id %d", id)
	}
	return pb, c, err
}

// pensionRecord gathers the person's record for a pension.
func (s *Service) pensionRecord(ctx context.Context, tx Tx, pb PersonBasics, cat rules.Category, retire period.YearMonth, deemed, dIndex money.Dec) (PensionRecord, rules.RetirementResult, error) {
	rec := PensionRecord{DeemedYears: deemed, DeemedIndex: dIndex, YearIndices: map[int]money.Dec{}}
	ret, err := s.Params.RetirementAge(rules.RetirementInput{Category: cat, Birth: pb.Birth.Month(), Division: pb.Division}, false)
	if err != nil {
		return rec, ret, err
	}
	rec.Window, rec.StatutoryMon = [2]string{ret.EarliestMonth.String(), ret.LatestMonth.String()}, ret.RetireMonth.String()
	if retire < ret.EarliestMonth || retire > ret.LatestMonth {
		return rec, ret, fault.Invalidf("retire", "pension.flexible_window", "retirement in %s is outside the flexible window %s to %s (statutory %s)", retire, ret.EarliestMonth, ret.LatestMonth, ret.RetireMonth)
	}
	w, err := s.yearWeights(ctx, tx, pb, retire)
	if err != nil {
		return rec, ret, err
	}
	deemedMonths := deemed.Mul(decimal.NewFromInt(12))
	all, pre := dIndex.Mul(deemedMonths), dIndex.Mul(deemedMonths)
	for y, yw := range w {
		rec.YearIndices[y] = yw.index.Round(4)
		rec.Months += yw.months
		all = all.Add(yw.index.Mul(decimal.NewFromInt(int64(yw.months))))
		if y <= 1997 {
			rec.Months1997 += yw.months
			pre = pre.Add(yw.index.Mul(decimal.NewFromInt(int64(yw.months))))
		}
	}
	twelve := decimal.NewFromInt(12)
	if den := deemedMonths.Add(decimal.NewFromInt(int64(rec.Months))); den.IsPositive() {
		rec.AverageIndex = all.DivRound(den, 4)
	}
	if den := deemedMonths.Add(decimal.NewFromInt(int64(rec.Months1997))); den.IsPositive() {
		rec.Index1997 = pre.DivRound(den, 4)
	}
	rec.Years = decimal.NewFromInt(int64(rec.Months)).Add(deemedMonths).DivRound(twelve, 2)
	rec.Years1997 = decimal.NewFromInt(int64(rec.Months1997)).Add(deemedMonths).DivRound(twelve, 2)
	var it *rules.RetirementInterestResult
	if rec.Balance, it, err = s.retirementBalance(ctx, tx, pb, retire); err == nil && it != nil {
		rec.InterestToDate, rec.balanceTrace = &it.AccountYear, it.Trace
	}
	return rec, ret, err
}

type yearWeight struct {
	months int
	index  money.Dec
}

// yearWeights returns each year's months and index (own average base
// over the average wage) before retire: legacy years as delivered,
// assessed months against rules.Params.IndexWage.
func (s *Service) yearWeights(ctx context.Context, tx Tx, pb PersonBasics, retire period.YearMonth) (map[int]yearWeight, error) {
	out := map[int]yearWeight{}
	legacy, err := tx.LegacyYears(ctx, pb.ID)
	if err != nil {
		return nil, err
	}
	for _, l := range legacy {
		if l.Months > 0 && l.Year < retire.Year() {
			out[l.Year] = yearWeight{l.Months, l.AverageBase.Dec().DivRound(l.AverageWage.Dec(), 8)}
		}
	}
	months, err := tx.CreditedMonths(ctx, pb.ID)
	if err != nil {
		return nil, err
	}
	sums := map[int]money.Dec{}
	for _, m := range months {
		if m.Period >= retire || m.Base <= 0 {
			continue
		}
		wage, err := s.Params.IndexWage(pb.Division, m.Period)
		if err != nil {
			return nil, fmt.Errorf("index of %s: %w", m.Period, err)
		}
		y := m.Period.Year()
		yw := out[y]
		yw.months++
		out[y] = yw
		sums[y] = sums[y].Add(m.Base.Dec().DivRound(wage.Dec(), 8))
	}
	for y, sum := range sums {
		yw := out[y]
		yw.index = sum.DivRound(decimal.NewFromInt(int64(yw.months)), 8)
		out[y] = yw
	}
	return out, nil
}

// CreditedMonth is one paid contribution month of a person.
type CreditedMonth struct {
	Period       period.YearMonth
	Base         money.Fen // the sum of the month's bases (two employers add up)
	Unemployment bool      // unemployment insurance was paid
}

// Approve decides a pending claim: approve true starts its payments,
// false rejects it. The reviewer must be a reviewer of the claim's
// division who did not prepare it (four-eyes); the System caller never
// approves. It fails with Conflict for a claim that is not pending and
// Forbidden for the preparer or another role.
func (s *Service) Approve(ctx context.Context, id int64, approve bool) (Claim, error) {
	var cl Claim
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if cl, err = tx.Claim(ctx, id); err != nil {
			return err
		}
		c, err := authorize(ctx, actApprove, cl.Division)
		if err != nil {
			return err
		}
		if c.Actor() == cl.Preparer {
			return fault.Forbiddenf("claim %d was prepared by %s: a different reviewer must decide it (four-eyes)", id, cl.Preparer)
		}
		if cl.Status != ClaimPending {
			return fault.Conflictf("status", "claim.pending", "claim %d is %s, not pending", id, cl.Status)
		}
		cl.Status, cl.Reviewer, cl.ReviewedAt = ClaimRejected, c.Actor(), s.now()
		if approve {
			cl.Status = ClaimApproved
			if err := tx.PutClaimAmount(ctx, cl.ID, cl.Start, cl.Monthly, "approved by "+c.Actor()); err != nil {
				return err
			}
		}
		if err := tx.UpdateClaim(ctx, cl); err != nil {
			return err
		}
		if approve && cl.Kind == ClaimPension { // drawing a pension stops the unemployment benefit (Art. 51(4))
			if _, err := s.stopOnRecord(ctx, tx, cl.PersonID, s.today()); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, c, "insurance.claim."+map[bool]string{true: "approve", false: "reject"}[approve], fmt.Sprintf("claim/%d", cl.ID), cl.PersonID)
	})
	return cl, err
}

// ClaimFilter selects claims; zero fields do not filter.
type ClaimFilter struct {
	Kind     ClaimKind
	PersonID int64
	Status   ClaimStatus
	FinalDue bool // only claims with a final amount due
}

// Claims lists claims in ID order, those of the caller's reach only.
func (s *Service) Claims(ctx context.Context, f ClaimFilter) ([]Claim, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return nil, err
	}
	var rows []Claim
	err = s.Store.View(ctx, func(tx Tx) (err error) {
		rows, err = tx.ListClaims(ctx, f)
		return err
	})
	return inReach(c, rows, func(cl Claim) (int64, string) { return cl.PersonID, cl.Division }), err
}

// Claim returns one claim, NotFound when out of the caller's reach.
func (s *Service) Claim(ctx context.Context, id int64) (Claim, error) {
	c, err := authorize(ctx, actRecord, "")
	if err != nil {
		return Claim{}, err
	}
	var cl Claim
	err = access.ViewAudited(ctx, s.Store, c, s.now(), func(tx Tx) (ev access.Event, err error) {
		if cl, err = tx.Claim(ctx, id); err != nil {
			return ev, err
		}
		if !ownPerson(c, cl.PersonID, cl.Division) {
			return ev, fault.NotFoundf("claim %d not found", id)
		}
		return access.Event{Action: "insurance.claim.view", Object: fmt.Sprintf("claim/%d", id), Subjects: []int64{cl.PersonID}}, nil
	})
	return cl, err
}
