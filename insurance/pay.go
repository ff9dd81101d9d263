package insurance

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"hrss/access"
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
	PriorMonths  int   `json:"prior_months"`  // months contributed before the assessed record (legacy), from the file
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
// registration is the person's active one in the employment services,
// read from the record and kept in the claim's detail; no date is
// entered. Benefit starts in the month
// of registration, at the earliest the month after the separation. It
// fails with Invalid when the person is not eligible (naming why), has no
// active registration (person_id, claim.unemployment_registration), the
// relation is still running or is not the person's.
func (s *Service) OpenUnemploymentClaim(ctx context.Context, in UnemploymentClaimInput) (Claim, error) {
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
		reg, source, err := registeredOn(ctx, tx, pb.ID)
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
			return fault.InvalidWords("person_id", "unemployment.eligibility", res.Why)
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

// registrationSource is the registration a claim was opened from, kept
// in its detail.
type registrationSource struct {
	Registered   period.Date               `json:"registered"`
	Registration *UnemploymentRegistration `json:"registration"` // the employment services' registration
}

// registeredOn returns the date of the person's active unemployment
// registration in the employment services: no date is entered by hand.
func registeredOn(ctx context.Context, tx Tx, person int64) (period.Date, registrationSource, error) {
	r, ok, err := tx.ActiveUnemploymentRegistration(ctx, person)
	if err != nil {
		return r.Registered, registrationSource{}, err
	}
	if !ok {
		return r.Registered, registrationSource{}, fault.Invalidf("person_id", "claim.unemployment_registration",
			"person %d has no active unemployment registration in the employment services: register them (失业登记) first", person)
	}
	return r.Registered, registrationSource{Registered: r.Registered, Registration: &r}, nil
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
	Stopped   []Claim          `json:"stopped,omitempty"` // unemployment claims stopped by this call (社会保险法 Art. 51)
	Batch     int              `json:"batch"`             // this call's batch of payments (its disbursement file); 0 if it paid nothing
	Added     int              `json:"added"`             // payments this call added
	AddedSum  money.Fen        `json:"added_total"`       // their total
	// AddedMedical is the medical insurance contributions the
	// unemployment fund pays with this call's payments (Art. 48).
	AddedMedical money.Fen `json:"added_medical"`
	// AddedNetted is what this call's payments keep against earlier
	// overpayments: the bank pays AddedSum + AddedBackPay - AddedNetted.
	AddedNetted money.Fen `json:"added_netted"`
	// AddedBackPay is the back pay of recomputed pensions paid with this
	// call's payments, each on its payment's own line.
	AddedBackPay money.Fen `json:"added_back_pay"`
	Already      bool      `json:"already"` // the period was run before: only claims not yet paid for it were paid
	// Repeated says a request with the same key (a queued job's earlier
	// attempt) made this call's batch before: nothing was paid now, and
	// Batch and the Added figures are that batch's (its Stopped are not
	// listed again).
	Repeated bool `json:"repeated,omitempty"`
}

// BenefitPayment is one month of benefit paid on a claim.
type BenefitPayment struct {
	ClaimID  int64            `json:"claim_id"`
	Period   period.YearMonth `json:"period"`
	Run      int64            `json:"run"`
	Batch    int              `json:"batch"`
	PersonID int64            `json:"person_id"`
	Name     string           `json:"name"`
	Amount   money.Fen        `json:"amount"`  // the benefit of the month (a stop month: its days before the event)
	Medical  money.Fen        `json:"medical"` // unemployment: the medical contributions the fund pays for the month (Art. 48)
	// Netted is the part of Amount kept against overpayment
	// OverpaymentID; the bank pays Amount - Netted.
	Netted        money.Fen `json:"netted"`
	OverpaymentID int64     `json:"overpayment_id,omitempty"`
	// BackPay is a recomputed pension's back pay for the months paid
	// before, paid with this payment on a line of its own
	// (RecomputationID); the bank pays Amount + BackPay - Netted.
	BackPay         money.Fen `json:"back_pay,omitempty"`
	RecomputationID int64     `json:"recomputation_id,omitempty"`
}

// Pay runs the monthly payment of kind for period p in one transaction:
// every approved claim started by p is paid once for p (pensions at the
// amount in force, with yearly adjustments; unemployment benefit while
// months remain, with the medical contributions the fund pays, Art. 48).
// Before paying an unemployment claim it looks for an Art. 51 event of
// the record on or before the end of p (stopClaim: a relation starting,
// a pension, the registration ended on a ground or refusals): the claim
// is then stopped from the event's day, the unused months kept for the
// person's next spell; what a stopped claim still owes for the days of
// its stop month is paid. A payment keeps what the person owes of an
// earlier overpayment (netted). Running a period again pays only the claims
// not yet paid for it (approved since), as a new batch with its own
// disbursement file; a claim is never paid twice for a month. A key (""
// for none; a queued job's "queue_jobs/ID") is stored with the batch,
// even one that paid no one: asked again with the same key, Pay pays
// nothing and reports that batch (Repeated), so that a job tried again
// after its worker died reports what its first attempt paid. It fails
// with Forbidden for a caller who may not run batch jobs.
func (s *Service) Pay(ctx context.Context, kind ClaimKind, p period.YearMonth, key string) (PaymentRun, error) {
	c, err := authorize(ctx, actBatch, "")
	if err != nil {
		return PaymentRun{}, err
	}
	if kind != ClaimPension && kind != ClaimUnemployment {
		return PaymentRun{}, fault.Invalidf("kind", "pay.kind", "%q is not pension or unemployment", kind)
	}
	var run PaymentRun
	err = s.Store.Update(ctx, func(tx Tx) error {
		if key != "" {
			var done bool
			var err error
			if run, done, err = repeatedBatch(ctx, tx, kind, p, key); err != nil || done {
				return err
			}
		}
		var paid map[int64]bool
		var err error
		if run, paid, err = s.openBenefitRun(ctx, tx, kind, p, c.Actor()); err != nil {
			return err
		}
		if err := s.payBatch(ctx, tx, c, &run, paid, kind, p); err != nil {
			return err
		}
		if key != "" {
			return tx.InsertBenefitRequest(ctx, key, run.ID, run.Batch)
		}
		return nil
	})
	return run, err
}

// repeatedBatch returns, when key made a batch of kind for p before, the
// run as that batch left it: Batch and the Added figures are the batch's.
func repeatedBatch(ctx context.Context, tx Tx, kind ClaimKind, p period.YearMonth, key string) (PaymentRun, bool, error) {
	runID, batch, ok, err := tx.BenefitRequest(ctx, key)
	if err != nil || !ok {
		return PaymentRun{}, false, err
	}
	run, ok, err := tx.BenefitRun(ctx, kind, p)
	if err != nil {
		return run, false, err
	}
	if !ok || run.ID != runID {
		return run, false, fault.Invalidf("key", "pay.key", "the key %q made a payment run of another kind or period", key)
	}
	run.Batch, run.Repeated, run.Already = batch, true, batch != 1
	if batch == 0 {
		return run, true, nil
	}
	pays, err := tx.BenefitPayments(ctx, run.ID)
	for _, pay := range pays {
		if pay.Batch == batch {
			run.Added++
			run.AddedSum += pay.Amount
			run.AddedMedical += pay.Medical
			run.AddedNetted += pay.Netted
			run.AddedBackPay += pay.BackPay
		}
	}
	return run, true, err
}

// payBatch pays, as the next batch of run, the claims of kind due for p
// and not paid yet, and records it (run.Batch 0 when it paid no one).
func (s *Service) payBatch(ctx context.Context, tx Tx, c access.Caller, run *PaymentRun, paid map[int64]bool, kind ClaimKind, p period.YearMonth) error {
	claims, err := tx.ListClaims(ctx, ClaimFilter{Kind: kind, Status: ClaimApproved})
	if err != nil {
		return err
	}
	finals, err := tx.ListClaims(ctx, ClaimFilter{Kind: kind, Status: ClaimStopped, FinalDue: true})
	if err != nil {
		return err
	}
	var pays []BenefitPayment
	pending := map[int64]money.Fen{}
	for _, cl := range append(claims, finals...) {
		if paid[cl.ID] {
			continue
		}
		pay, err := s.payClaim(ctx, tx, run, cl, p)
		if err != nil {
			return err
		}
		if pay == nil {
			continue
		}
		if err := netOverpayment(ctx, tx, pay, pending); err != nil {
			return err
		}
		pays = append(pays, *pay)
		run.AddedSum += pay.Amount
		run.AddedMedical += pay.Medical
		run.AddedNetted += pay.Netted
		run.AddedBackPay += pay.BackPay
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
	if err := tx.UpdateBenefitRun(ctx, *run); err != nil {
		return err
	}
	return s.record(ctx, tx, c, "insurance.pay", fmt.Sprintf("payment_run/%d/batch/%d", run.ID, run.Batch))
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
	if cl.Kind == ClaimPension {
		return s.payPension(ctx, tx, run, cl, p)
	}
	if cl.Status == ClaimApproved {
		if cl.Start > p {
			return nil, nil
		}
		ev, stop, err := s.firstStop(ctx, tx, cl, p.Last())
		if err != nil {
			return nil, err
		}
		if stop {
			if err := s.stopClaim(ctx, tx, &cl, ev); err != nil {
				return nil, err
			}
			run.Stopped = append(run.Stopped, cl)
		}
	}
	amount, month := cl.Monthly, p
	switch {
	case cl.Status == ClaimStopped && cl.FinalDue > 0 && cl.StopPeriod <= p:
		amount, month, cl.FinalDue = cl.FinalDue, cl.StopPeriod, 0 // the days of the stop month before the event
	case cl.Status != ClaimApproved:
		return nil, nil
	case cl.MonthsPaid >= cl.MaxMonths:
		cl.Status = ClaimExhausted
		return nil, tx.UpdateClaim(ctx, cl)
	}
	cl.MonthsPaid++
	if cl.Status == ClaimApproved && cl.MonthsPaid == cl.MaxMonths {
		cl.Status = ClaimExhausted
	}
	med, err := s.Params.UnemploymentMedical(cl.Division, month)
	if err != nil {
		return nil, err
	}
	if err := tx.UpdateClaim(ctx, cl); err != nil {
		return nil, err
	}
	return &BenefitPayment{ClaimID: cl.ID, Period: month, Run: run.ID, Batch: run.Batch, PersonID: cl.PersonID, Amount: amount, Medical: med.Amount}, nil
}

// payPension returns the payment of a pension claim for p at the amount
// in force (nil for none), with the back pay of its applied
// recomputation if it is still to be paid.
func (s *Service) payPension(ctx context.Context, tx Tx, run *PaymentRun, cl Claim, p period.YearMonth) (*BenefitPayment, error) {
	if cl.Start > p {
		return nil, nil
	}
	amt, err := tx.ClaimAmountAt(ctx, cl.ID, p)
	if err != nil || amt <= 0 {
		return nil, err
	}
	cl.MonthsPaid++
	if err := tx.UpdateClaim(ctx, cl); err != nil {
		return nil, err
	}
	pay := &BenefitPayment{ClaimID: cl.ID, Period: p, Run: run.ID, Batch: run.Batch, PersonID: cl.PersonID, Amount: amt}
	return pay, backPayLine(ctx, tx, pay)
}

// Disbursement returns the bank disbursement file (CSV, UTF-8 with
// header) of batch of the payment run of kind for p (0: the latest
// batch): one row per payment the bank pays, with the month's amount,
// a recomputed pension's back pay, what is netted against an overpayment
// and the net the bank pays (a payment netted whole is not in the file). The medical contributions
// (Art. 48) go to the medical insurance fund, not through the bank file. Each batch is sent to the bank once; a
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
	w.Write([]string{"kind", "period", "batch", "claim_id", "person_id", "name", "amount", "netted", "net", "back_pay"})
	for _, pay := range pays {
		if pay.Batch == batch && pay.Amount+pay.BackPay > pay.Netted {
			w.Write([]string{string(kind), pay.Period.String(), strconv.Itoa(batch), strconv.FormatInt(pay.ClaimID, 10), strconv.FormatInt(pay.PersonID, 10), pay.Name,
				pay.Amount.String(), pay.Netted.String(), (pay.Amount + pay.BackPay - pay.Netted).String(), pay.BackPay.String()})
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
