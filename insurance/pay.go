package insurance

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"hrss/rules"
	"hrss/rules/fault"
	"hrss/rules/money"
	"hrss/rules/period"
)

// UnemploymentClaimInput is what a caseworker enters to open an
// unemployment benefit claim.
type UnemploymentClaimInput struct {
	PersonID     int64 `json:"person_id"`
	EmploymentID int64 `json:"employment_id"` // the relation that ended
	// RegisteredOn is the unemployment registration date (失业登记),
	// YYYY-MM-DD. The person's active registration in the employment
	// services decides it; a date entered here is used only when there is
	// none, with RegistrationNote saying why.
	RegisteredOn string `json:"registered_on,omitempty"`
	// RegistrationNote justifies a date entered without an active
	// registration in the employment services (e.g. registered at another
	// city's service); required then, kept in the claim's detail.
	RegistrationNote string `json:"registration_note,omitempty"`
	PriorMonths      int    `json:"prior_months"` // months contributed before the assessed record (legacy), from the file
}

// UnemploymentRegistration is what a claim needs of the person's active
// unemployment registration (失业登记) in the employment services.
type UnemploymentRegistration struct {
	ID         int64       `json:"id"`
	Division   string      `json:"division"`
	Registered period.Date `json:"registered"`
}

// EmploymentBasics is what a claim needs of an employment relation.
type EmploymentBasics struct {
	ID, PersonID, EmployerID int64
	Start, End               period.Date
	Separation               string
	Involuntary              bool
}

// OpenUnemploymentClaim opens an unemployment benefit claim after the
// relation ended: eligibility, months and amount from
// rules.Params.UnemploymentBenefit with the months of unemployment
// insurance paid on record (plus prior months entered), the separation
// reason and the person's unemployment registration, and the unused
// months of the person's last stopped spell carried over. The
// registration is the person's active one in the employment services
// (its date wins over a date entered); without one, a date entered with a
// RegistrationNote is used and the note kept. Benefit starts in the month
// of registration, at the earliest the month after the separation. It
// fails with Invalid when the person is not eligible (naming why), has no
// active registration and no justified date (registered_on,
// claim.unemployment_registration), the relation is still running or is
// not the person's.
func (s *Service) OpenUnemploymentClaim(ctx context.Context, in UnemploymentClaimInput) (Claim, error) {
	var typed period.Date
	if in.RegisteredOn != "" {
		var err error
		if typed, err = period.ParseDate(in.RegisteredOn); err != nil {
			return Claim{}, fault.Invalidf("registered_on", "claim.registered_on", "%q is not a date YYYY-MM-DD", in.RegisteredOn)
		}
	}
	if in.PriorMonths < 0 || in.PriorMonths > 600 {
		return Claim{}, fault.Invalidf("prior_months", "claim.prior_months", "prior months %d must lie between 0 and 600", in.PriorMonths)
	}
	var cl Claim
	err := s.Store.Update(ctx, func(tx Tx) error {
		pb, caller, err := s.claimPerson(ctx, tx, in.PersonID)
		if err != nil {
			return err
		}
		if err := noOpenClaim(ctx, tx, pb.ID, ClaimUnemployment); err != nil {
			return err
		}
		e, err := tx.EmploymentBasics(ctx, in.EmploymentID)
		if err != nil || e.PersonID != pb.ID {
			return fault.Invalidf("employment_id", "claim.employment", "relation %d is not one of person %d", in.EmploymentID, pb.ID)
		}
		reg, source, err := registeredOn(ctx, tx, pb.ID, in, typed)
		if err != nil {
			return err
		}
		if e.End.IsZero() || reg.Before(e.End) {
			return fault.Invalidf("employment_id", "claim.separated", "relation %d has not ended before the registration on %s", e.ID, reg)
		}
		months, err := unemploymentMonths(ctx, tx, pb.ID, e.End.Month())
		if err != nil {
			return err
		}
		carried, err := tx.CarriedMonths(ctx, pb.ID)
		if err != nil {
			return err
		}
		yes := true
		uin := rules.UnemploymentInput{Division: pb.Division, Separated: e.End, Involuntary: e.Involuntary, ContributionMonths: months + in.PriorMonths, CarriedMonths: carried, Registered: &yes}
		res, err := s.Params.UnemploymentBenefit(uin, true)
		if err != nil {
			return err
		}
		if !res.Eligible {
			return fault.Invalidf("person_id", "unemployment.eligibility", "%s", res.Reason)
		}
		detail, _ := json.Marshal(map[string]any{"input": in, "employment": e, "registration": source, "rules_input": uin, "result": res})
		cl = Claim{Kind: ClaimUnemployment, PersonID: pb.ID, Division: pb.Division, Status: ClaimPending, Start: max(reg.Month(), e.End.Month().Add(1)),
			Monthly: res.MonthlyAmount, MaxMonths: res.MaxMonths, Detail: detail, Preparer: caller.Actor(), PreparedAt: s.now()}
		if err := tx.InsertClaim(ctx, &cl); err != nil {
			return err
		}
		return s.record(ctx, tx, caller, "insurance.claim.open", fmt.Sprintf("claim/%d", cl.ID), cl.PersonID)
	})
	return cl, err
}

// registrationSource says where a claim's registration date came from.
type registrationSource struct {
	Registered   period.Date               `json:"registered"`
	Registration *UnemploymentRegistration `json:"registration,omitempty"` // the employment services' registration
	Entered      string                    `json:"entered,omitempty"`      // the date entered on the claim
	Note         string                    `json:"note,omitempty"`         // the caseworker's reason for a date entered without a registration
}

// registeredOn returns the person's unemployment registration date: that
// of their active registration in the employment services, else the date
// entered on the claim when the caseworker says why.
func registeredOn(ctx context.Context, tx Tx, person int64, in UnemploymentClaimInput, typed period.Date) (period.Date, registrationSource, error) {
	src := registrationSource{Entered: in.RegisteredOn}
	r, ok, err := tx.ActiveUnemploymentRegistration(ctx, person)
	if err != nil {
		return typed, src, err
	}
	if ok {
		src.Registered, src.Registration = r.Registered, &r
		return r.Registered, src, nil
	}
	note := strings.TrimSpace(in.RegistrationNote)
	if typed.IsZero() || note == "" {
		return typed, src, fault.Invalidf("registered_on", "claim.unemployment_registration",
			"person %d has no active unemployment registration in the employment services: register them (失业登记) first, or enter the date with a registration_note saying why", person)
	}
	src.Registered, src.Note = typed, note
	return typed, src, nil
}

// unemploymentMonths counts the months with unemployment insurance paid
// up to and including month last.
func unemploymentMonths(ctx context.Context, tx Tx, person int64, last period.YearMonth) (int, error) {
	months, err := tx.CreditedMonths(ctx, person)
	n := 0
	for _, m := range months {
		if m.Unemployment && m.Period <= last {
			n++
		}
	}
	return n, err
}

// PaymentRun is one monthly benefit payment run.
type PaymentRun struct {
	ID        int64            `json:"id"`
	Kind      ClaimKind        `json:"kind"`
	Period    period.YearMonth `json:"period"`
	Payments  int              `json:"payments"`
	Total     money.Fen        `json:"total"`
	Actor     string           `json:"actor"`
	CreatedAt time.Time        `json:"created_at"`
	Stopped   []Claim          `json:"stopped,omitempty"` // unemployment claims stopped by this call (re-employment)
	Batch     int              `json:"batch"`             // this call's batch of payments (its disbursement file); 0 if it paid nothing
	Added     int              `json:"added"`             // payments this call added
	AddedSum  money.Fen        `json:"added_total"`       // their total
	Already   bool             `json:"already"`           // the period was run before: only claims not yet paid for it were paid
}

// BenefitPayment is one month of benefit paid on a claim.
type BenefitPayment struct {
	ClaimID  int64            `json:"claim_id"`
	Period   period.YearMonth `json:"period"`
	Run      int64            `json:"run"`
	Batch    int              `json:"batch"`
	PersonID int64            `json:"person_id"`
	Name     string           `json:"name"`
	Amount   money.Fen        `json:"amount"`
}

// Pay runs the monthly payment of kind for period p in one transaction:
// every approved claim started by p is paid once for p (pensions at the
// amount in force, with yearly adjustments; unemployment benefit while
// months remain). Before paying an unemployment claim it looks for a new
// employment relation starting after the separation and on or before
// the end of p: the claim is then stopped, the unused months kept for
// the person's next spell. Running a period again pays only the claims
// not yet paid for it (approved since), as a new batch with its own
// disbursement file; a claim is never paid twice for a month. It fails
// with Forbidden for a caller who may not run batch jobs.
func (s *Service) Pay(ctx context.Context, kind ClaimKind, p period.YearMonth) (PaymentRun, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return PaymentRun{}, err
	}
	if kind != ClaimPension && kind != ClaimUnemployment {
		return PaymentRun{}, fault.Invalidf("kind", "pay.kind", "%q is not pension or unemployment", kind)
	}
	var run PaymentRun
	err = s.Store.Update(ctx, func(tx Tx) error {
		var paid map[int64]bool
		var err error
		if run, paid, err = s.openBenefitRun(ctx, tx, kind, p, c.Actor()); err != nil {
			return err
		}
		claims, err := tx.ListClaims(ctx, ClaimFilter{Kind: kind, Status: ClaimApproved})
		if err != nil {
			return err
		}
		var pays []BenefitPayment
		for _, cl := range claims {
			if paid[cl.ID] {
				continue
			}
			pay, err := s.payClaim(ctx, tx, &run, cl, p)
			if err != nil {
				return err
			}
			if pay != nil {
				pays = append(pays, *pay)
				run.AddedSum += pay.Amount
			}
		}
		run.Added = len(pays)
		if len(pays) == 0 {
			run.Batch = 0
			return nil
		}
		run.Payments += len(pays)
		run.Total += run.AddedSum
		if err := tx.InsertBenefitPayments(ctx, pays); err != nil {
			return err
		}
		if err := tx.UpdateBenefitRun(ctx, run); err != nil {
			return err
		}
		return s.record(ctx, tx, c, "insurance.pay", fmt.Sprintf("payment_run/%d/batch/%d", run.ID, run.Batch))
	})
	return run, err
}

// openBenefitRun returns the run of kind for p (made if new), the next
// batch number in run.Batch and the claims already paid in it.
func (s *Service) openBenefitRun(ctx context.Context, tx Tx, kind ClaimKind, p period.YearMonth, actor string) (PaymentRun, map[int64]bool, error) {
	run, ok, err := tx.BenefitRun(ctx, kind, p)
	if err != nil {
		return run, nil, err
	}
	paid := map[int64]bool{}
	if !ok {
		run = PaymentRun{Kind: kind, Period: p, Actor: actor, CreatedAt: s.now(), Batch: 1}
		return run, paid, tx.InsertBenefitRun(ctx, &run)
	}
	run.Already = true
	pays, err := tx.BenefitPayments(ctx, run.ID)
	for _, pay := range pays {
		paid[pay.ClaimID] = true
		run.Batch = max(run.Batch, pay.Batch)
	}
	run.Batch++
	return run, paid, err
}

// payClaim returns the payment of one claim for p (nil for none),
// stopping or exhausting an unemployment claim as the record says.
func (s *Service) payClaim(ctx context.Context, tx Tx, run *PaymentRun, cl Claim, p period.YearMonth) (*BenefitPayment, error) {
	if cl.Start > p {
		return nil, nil
	}
	if cl.Kind == ClaimUnemployment {
		stop, err := s.rehired(ctx, tx, &cl, p)
		if err != nil || stop {
			if stop {
				run.Stopped = append(run.Stopped, cl)
			}
			return nil, err
		}
		if cl.MonthsPaid >= cl.MaxMonths {
			cl.Status = ClaimExhausted
			return nil, tx.UpdateClaim(ctx, cl)
		}
		cl.MonthsPaid++
		if cl.MonthsPaid == cl.MaxMonths {
			cl.Status = ClaimExhausted
		}
		if err := tx.UpdateClaim(ctx, cl); err != nil {
			return nil, err
		}
		return &BenefitPayment{ClaimID: cl.ID, Period: p, Run: run.ID, Batch: run.Batch, PersonID: cl.PersonID, Amount: cl.Monthly}, nil
	}
	amt, err := tx.ClaimAmountAt(ctx, cl.ID, p)
	if err != nil || amt <= 0 {
		return nil, err
	}
	cl.MonthsPaid++
	if err := tx.UpdateClaim(ctx, cl); err != nil {
		return nil, err
	}
	return &BenefitPayment{ClaimID: cl.ID, Period: p, Run: run.ID, Batch: run.Batch, PersonID: cl.PersonID, Amount: amt}, nil
}

// rehired stops cl when a relation of the person started after the
// separation and by the end of p (社会保险法 Art. 51: re-employment). A
// hire recorded through the registry stops the claim at once (Hired);
// this check catches relations recorded otherwise (bulk loads, a hire
// dated after the day it was recorded).
func (s *Service) rehired(ctx context.Context, tx Tx, cl *Claim, p period.YearMonth) (bool, error) {
	sep, err := separatedOn(*cl)
	if err != nil {
		return false, err
	}
	id, start, ok, err := tx.EmploymentStartedAfter(ctx, cl.PersonID, sep)
	if err != nil || !ok || p.Last().Before(start) {
		return false, err
	}
	return true, stopRehired(ctx, tx, cl, id, start, p)
}

// separatedOn returns the end of the relation whose separation an
// unemployment claim pays for (kept in the claim's detail).
func separatedOn(cl Claim) (period.Date, error) {
	var sep struct {
		Employment EmploymentBasics `json:"employment"`
	}
	if err := json.Unmarshal(cl.Detail, &sep); err != nil {
		return period.Date{}, fmt.Errorf("claim %d detail: %w", cl.ID, err)
	}
	return sep.Employment.End, nil
}

// stopTx is what stopping a claim on re-employment needs.
type stopTx interface {
	// UpdateClaim records a claim's status, payments and decision.
	UpdateClaim(ctx context.Context, c Claim) error
	// ClaimPaidFrom returns the months and total paid on a claim for
	// periods from on.
	ClaimPaidFrom(ctx context.Context, claim int64, from period.YearMonth) (int, money.Fen, error)
}

// stopRehired is the one rule for ending an unemployment claim on
// re-employment by relation from start, and records it: the claim stops
// in p, no month from p on is paid, and the months not paid carry over to
// the person's next spell (社会保险法 Art. 51; 失业保险条例 Art. 17).
// Months already paid from the month of start on (a hire recorded late)
// were paid after the re-employment: the reason names them for recovery.
func stopRehired(ctx context.Context, tx stopTx, cl *Claim, relation int64, start period.Date, p period.YearMonth) error {
	n, paid, err := tx.ClaimPaidFrom(ctx, cl.ID, start.Month())
	if err != nil {
		return err
	}
	cl.Status, cl.StopPeriod = ClaimStopped, p
	cl.CarriedMonths = cl.MaxMonths - cl.MonthsPaid
	cl.StopReason = fmt.Sprintf("re-employed: relation %d from %s; %d unused months carry over", relation, start, cl.CarriedMonths)
	if n > 0 {
		cl.StopReason += fmt.Sprintf("; %d months (%s) paid from %s on, after the re-employment, are to be recovered", n, paid, start.Month())
	}
	return tx.UpdateClaim(ctx, *cl)
}

// Disbursement returns the bank disbursement file (CSV, UTF-8 with
// header) of batch of the payment run of kind for p (0: the latest
// batch): one row per payment. Each batch is sent to the bank once; a
// later batch holds only the payments added since.
func (s *Service) Disbursement(ctx context.Context, kind ClaimKind, p period.YearMonth, batch int) ([]byte, error) {
	if _, err := authorize(ctx, actBatch, ""); err != nil {
		return nil, err
	}
	var pays []BenefitPayment
	err := s.Store.View(ctx, func(tx Tx) error {
		run, ok, err := tx.BenefitRun(ctx, kind, p)
		if err != nil {
			return err
		}
		if !ok {
			return fault.NotFoundf("no %s payment run for %s", kind, p)
		}
		pays, err = tx.BenefitPayments(ctx, run.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	if batch == 0 {
		for _, pay := range pays {
			batch = max(batch, pay.Batch)
		}
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"kind", "period", "batch", "claim_id", "person_id", "name", "amount"})
	for _, pay := range pays {
		if pay.Batch == batch {
			w.Write([]string{string(kind), p.String(), strconv.Itoa(batch), strconv.FormatInt(pay.ClaimID, 10), strconv.FormatInt(pay.PersonID, 10), pay.Name, pay.Amount.String()})
		}
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

// AdjustPensions applies the yearly pension adjustment of year
// (rules.Params.PensionAdjustment) to every approved pension that
// started before 1 January of year, from January of year; a claim
// adjusted for the year before is left alone (idempotent). It returns
// the number of pensions adjusted.
func (s *Service) AdjustPensions(ctx context.Context, year int) (int, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return 0, err
	}
	from := period.New(year, 1)
	n := 0
	err = s.Store.Update(ctx, func(tx Tx) error {
		n = 0
		claims, err := tx.ListClaims(ctx, ClaimFilter{Kind: ClaimPension, Status: ClaimApproved})
		if err != nil {
			return err
		}
		for _, cl := range claims {
			if cl.Start >= from {
				continue
			}
			cur, err := tx.ClaimAmountAt(ctx, cl.ID, from)
			if err != nil {
				return err
			}
			if at, err := tx.ClaimAmountAt(ctx, cl.ID, from-1); err != nil || at != cur {
				if err == nil {
					continue // already adjusted for this year
				}
				return err
			}
			adj, rate, err := s.Params.PensionAdjustment(cl.Division, year, cur)
			if err != nil {
				return err
			}
			if err := tx.PutClaimAmount(ctx, cl.ID, from, adj, fmt.Sprintf("yearly adjustment %d at %s (pension.yearly_adjustment_rate)", year, rate)); err != nil {
				return err
			}
			n++
		}
		return s.record(ctx, tx, c, "insurance.pension_adjustment", fmt.Sprintf("year/%d", year))
	})
	return n, err
}
