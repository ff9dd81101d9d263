package insurance

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"hrss/access"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/msg"
	"hrss/rules/period"
)

// StopGround is the ground of 社会保险法 第五十一条 on which an unemployment
// benefit stopped.
type StopGround string

// The grounds of Art. 51 that the record can show.
const (
	StopReemployed  StopGround = "reemployed"   // (一) 重新就业: a relation starting, a business started, stable work
	StopMilitary    StopGround = "military"     // (二) 应征服兵役: recorded on the registration
	StopEmigration  StopGround = "emigration"   // (三) 移居境外: recorded on the registration
	StopPension     StopGround = "pension"      // (四) 享受基本养老保险待遇: an approved pension claim, or the registration
	StopRefusedWork StopGround = "refused_work" // (五) 无正当理由拒不接受适当工作或者培训: refusals on the registration
)

// StopRules gives the legal source of each ground.
var StopRules = map[StopGround]string{
	StopReemployed:  "社会保险法 第五十一条第一项",
	StopMilitary:    "社会保险法 第五十一条第二项",
	StopEmigration:  "社会保险法 第五十一条第三项",
	StopPension:     "社会保险法 第五十一条第四项",
	StopRefusedWork: "社会保险法 第五十一条第五项",
}

// registrationGrounds maps the grounds on which the employment services
// end an unemployment registration (employment.Ground, RULES.md §6) to
// the Art. 51 ground they show; the others (education, no contact …)
// are not grounds of Art. 51 and leave the benefit alone.
var registrationGrounds = map[string]StopGround{
	"hired":            StopReemployed,
	"business_started": StopReemployed,
	"stable_work":      StopReemployed,
	"military":         StopMilitary,
	"emigration":       StopEmigration,
	"pension":          StopPension,
	"refused_services": StopRefusedWork,
}

// StopEvent is an event of the record that stops a benefit from its day.
type StopEvent struct {
	Ground StopGround  `json:"ground"`
	Day    period.Date `json:"day"`    // the benefit is owed for the days before it
	Source string      `json:"source"` // the record: employment/ID, claim/ID, unemployment/ID
	Rule   string      `json:"rule"`   // the legal source
}

// RegistrationRecord is what the employment services recorded on the
// registration a claim was opened from: how it ended, and the refusals of
// suitable work or training offered.
type RegistrationRecord struct {
	Ground   string        // "" while active
	EndedOn  period.Date   // zero while active
	Refusals []period.Date // in date order
}

// BenefitTx is what stopping, netting and recovering benefit needs.
type BenefitTx interface {
	// Registration returns the record of unemployment registration id.
	Registration(ctx context.Context, id int64) (RegistrationRecord, error)
	// ClaimPayments lists the payments of a claim in period order.
	ClaimPayments(ctx context.Context, claim int64) ([]BenefitPayment, error)
	// InsertOverpayment records an overpayment; sets o.ID.
	InsertOverpayment(ctx context.Context, o *Overpayment) error
	// Overpayments lists the overpayments of a person (all when 0) with
	// what is netted and recovered of each, in ID order.
	Overpayments(ctx context.Context, person int64) ([]Overpayment, error)
	// Overpayment reads one overpayment, NotFound when there is none.
	Overpayment(ctx context.Context, id int64) (Overpayment, error)
	// InsertRecovery records money repaid on an overpayment.
	InsertRecovery(ctx context.Context, r Recovery) error
}

// Overpayment is benefit paid for days after the event that stopped it:
// netted against the person's next benefit payments or recovered.
type Overpayment struct {
	ID        int64           `json:"id"`
	ClaimID   int64           `json:"claim_id"`
	PersonID  int64           `json:"person_id"`
	Division  string          `json:"division"` // the claim's
	Amount    money.Fen       `json:"amount"`
	Netted    money.Fen       `json:"netted"`    // kept from later payments
	Recovered money.Fen       `json:"recovered"` // repaid
	Detail    json.RawMessage `json:"detail"`    // the months, days and amounts
	CreatedAt time.Time       `json:"created_at"`
}

// Outstanding is what is left to net or recover.
func (o Overpayment) Outstanding() money.Fen { return o.Amount - o.Netted - o.Recovered }

// Recovery is money a person repaid on an overpayment.
type Recovery struct {
	OverpaymentID int64     `json:"overpayment_id"`
	Amount        money.Fen `json:"amount"`
	Reference     string    `json:"reference"` // the bank's or the cash desk's, unique
	Actor         string    `json:"actor"`
	CreatedAt     time.Time `json:"created_at"`
}

// firstStop returns the earliest Art. 51 event of the record for an
// approved unemployment claim on or before upTo.
func (s *Service) firstStop(ctx context.Context, tx Tx, cl Claim, upTo period.Date) (StopEvent, bool, error) {
	sep, reg, err := claimOrigin(cl)
	if err != nil {
		return StopEvent{}, false, err
	}
	var evs []StopEvent
	if id, start, ok, err := tx.EmploymentStartedAfter(ctx, cl.PersonID, sep); err != nil {
		return StopEvent{}, false, err
	} else if ok {
		evs = append(evs, StopEvent{StopReemployed, start, fmt.Sprintf("employment/%d", id), StopRules[StopReemployed]})
	}
	pens, err := tx.ListClaims(ctx, ClaimFilter{Kind: ClaimPension, PersonID: cl.PersonID, Status: ClaimApproved})
	if err != nil {
		return StopEvent{}, false, err
	}
	for _, pc := range pens {
		evs = append(evs, StopEvent{StopPension, pc.Start.First(), fmt.Sprintf("claim/%d", pc.ID), StopRules[StopPension]})
	}
	if reg != 0 {
		ev, err := s.registrationStops(ctx, tx, cl, reg)
		if err != nil {
			return StopEvent{}, false, err
		}
		evs = append(evs, ev...)
	}
	var first StopEvent
	found := false
	for _, ev := range evs {
		if !upTo.Before(ev.Day) && (!found || ev.Day.Before(first.Day)) {
			first, found = ev, true
		}
	}
	return first, found, nil
}

// registrationStops returns the events the claim's registration shows:
// its end on a ground of Art. 51, and the refusal that reaches
// unemployment.refusals_to_stop.
func (s *Service) registrationStops(ctx context.Context, tx Tx, cl Claim, reg int64) ([]StopEvent, error) {
	rec, err := tx.Registration(ctx, reg)
	if err != nil {
		return nil, err
	}
	src := fmt.Sprintf("unemployment/%d", reg)
	var evs []StopEvent
	if g, ok := registrationGrounds[rec.Ground]; ok && !rec.EndedOn.IsZero() {
		evs = append(evs, StopEvent{g, rec.EndedOn, src, StopRules[g]})
	}
	if len(rec.Refusals) > 0 {
		n, err := s.Params.RefusalsToStop(cl.Division, rec.Refusals[0])
		if err != nil {
			return nil, err
		}
		if len(rec.Refusals) >= n {
			evs = append(evs, StopEvent{StopRefusedWork, rec.Refusals[n-1], src,
				fmt.Sprintf("%s (refusal %d of %d, unemployment.refusals_to_stop, unverified)", StopRules[StopRefusedWork], n, n)})
		}
	}
	return evs, nil
}

// claimOrigin returns the separation an unemployment claim pays for and
// the registration it was opened from (0 for a claim opened on a date
// entered by hand before claims read the registration), both kept in the
// claim's detail.
func claimOrigin(cl Claim) (period.Date, int64, error) {
	var d struct {
		Employment   EmploymentBasics `json:"employment"`
		Registration struct {
			Registration *UnemploymentRegistration `json:"registration"`
		} `json:"registration"`
	}
	if err := json.Unmarshal(cl.Detail, &d); err != nil {
		return period.Date{}, 0, fmt.Errorf("claim %d detail: %w", cl.ID, err)
	}
	var reg int64
	if d.Registration.Registration != nil {
		reg = d.Registration.Registration.ID
	}
	return d.Employment.End, reg, nil
}

// overMonth is one month of an overpayment's computation.
type overMonth struct {
	Period      period.YearMonth `json:"period"`
	Paid        money.Fen        `json:"paid"`
	Owed        money.Fen        `json:"owed"`
	DaysOwed    int              `json:"days_owed"`
	DaysInMonth int              `json:"days_in_month"`
	Over        money.Fen        `json:"over"`
}

// stopClaim is the one rule for ending an unemployment claim on an
// Art. 51 event, and records it: the benefit is owed up to the day
// before the event. Months before the event's month are owed whole; the
// event's month for its days before the event (rules.DaysBefore: monthly
// × days / days in the month, half-up to the fen); later months not at
// all. What was paid beyond that is an Overpayment, netted against the
// person's next benefit payments or recovered; what is still owed for
// the event's month (not yet paid) is FinalDue, paid by the next run. The
// months not used carry over to the person's next spell (社会保险法
// 第四十六条; 失业保险条例 第十七条). Medical contributions paid for months
// after the event's month are named for reclaiming from the medical fund.
func (s *Service) stopClaim(ctx context.Context, tx Tx, cl *Claim, ev StopEvent) error {
	pays, err := tx.ClaimPayments(ctx, cl.ID)
	if err != nil {
		return err
	}
	m := ev.Day.Month()
	var over, medical money.Fen
	var months []overMonth
	used, paidM := 0, false
	for _, pay := range pays {
		if pay.Period < m {
			used++
			continue
		}
		om := overMonth{Period: pay.Period, Paid: pay.Amount}
		if pay.Period == m {
			paidM = true
			om.Owed, om.DaysOwed, om.DaysInMonth = rules.DaysBefore(pay.Amount, ev.Day)
			if om.DaysOwed > 0 {
				used++
			}
		} else {
			medical += pay.Medical
		}
		if om.Over = om.Paid - om.Owed; om.Over > 0 {
			over += om.Over
			months = append(months, om)
		}
	}
	cl.FinalDue = 0
	if !paidM && m >= cl.Start && used < cl.MaxMonths {
		if cl.FinalDue, _, _ = rules.DaysBefore(cl.Monthly, ev.Day); cl.FinalDue > 0 {
			used++
		}
	}
	cl.Status, cl.StopPeriod, cl.StopDate, cl.StopGround = ClaimStopped, m, ev.Day, ev.Ground
	cl.CarriedMonths = max(cl.MaxMonths-used, 0)
	cl.StopReason = stopReason(ev, cl.CarriedMonths, cl.FinalDue, over, medical)
	if over > 0 {
		detail, _ := json.Marshal(map[string]any{"event": ev, "months": months, "medical_after_stop": medical,
			"rounding": "the stop month's days owed: monthly × days before the event / days in the month, half-up to the fen (RULES.md §3 rounding)"})
		o := Overpayment{ClaimID: cl.ID, PersonID: cl.PersonID, Amount: over, Detail: detail, CreatedAt: s.now()}
		if err := tx.InsertOverpayment(ctx, &o); err != nil {
			return err
		}
	}
	return tx.UpdateClaim(ctx, *cl)
}

// stopReason is why and from when a claim stopped on ev, as messages
// (claim.stop.*): the event with its source record and rule, the months
// carried over, and what is still owed for the event's month, was paid
// too much from its day on, or is to be reclaimed from the medical
// insurance fund.
func stopReason(ev StopEvent, carried int, finalDue, over, medical money.Fen) rules.Why {
	m := ev.Day.Month()
	why := rules.Why{rules.Msg("claim.stop.event", msg.Label("ground", "claim.stop.ground."+string(ev.Ground)), msg.Date("day", ev.Day),
		msg.Text("source", ev.Source), msg.Text("rule", ev.Rule)), rules.Msg("claim.stop.carried", msg.Int("months", carried))}
	if finalDue > 0 {
		why = append(why, rules.Msg("claim.stop.final_due", msg.Fen("amount", finalDue), msg.Month("period", m)))
	}
	if over > 0 {
		why = append(why, rules.Msg("claim.stop.overpaid", msg.Fen("amount", over), msg.Date("day", ev.Day)))
	}
	if medical > 0 {
		why = append(why, rules.Msg("claim.stop.medical", msg.Fen("amount", medical), msg.Month("period", m)))
	}
	return why
}

// stopOnRecord stops each approved unemployment claim of person on the
// first Art. 51 event of the record on or before upTo, audited as the
// caller of ctx, and returns the claims stopped.
func (s *Service) stopOnRecord(ctx context.Context, tx Tx, person int64, upTo period.Date) ([]Claim, error) {
	claims, err := tx.ListClaims(ctx, ClaimFilter{Kind: ClaimUnemployment, PersonID: person, Status: ClaimApproved})
	if err != nil || len(claims) == 0 {
		return nil, err
	}
	c, err := access.Current(ctx)
	if err != nil {
		return nil, err
	}
	var out []Claim
	for _, cl := range claims {
		ev, ok, err := s.firstStop(ctx, tx, cl, upTo)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		if err := s.stopClaim(ctx, tx, &cl, ev); err != nil {
			return nil, err
		}
		if err := s.record(ctx, tx, c, "insurance.claim.stop."+string(ev.Ground), fmt.Sprintf("claim/%d", cl.ID), cl.PersonID); err != nil {
			return nil, err
		}
		out = append(out, cl)
	}
	return out, nil
}

// BenefitEvent is the employment services' hook (employment.Service.
// BenefitEvent): inside the transaction that ends person's unemployment
// registration or records a refusal on it, it stops their running
// unemployment benefit on the Art. 51 event it shows, if that event's
// day has come. It fails when tx does not implement Tx, or with the
// store's error, which rolls the change back.
func (s *Service) BenefitEvent(ctx context.Context, tx any, person int64) error {
	t, ok := tx.(Tx)
	if !ok {
		return fmt.Errorf("insurance: the transaction %T does not implement insurance.Tx", tx)
	}
	_, err := s.stopOnRecord(ctx, t, person, s.today())
	return err
}

// netOverpayment keeps from pay what the person still owes of an
// overpayment (the oldest first), at most the whole payment.
func netOverpayment(ctx context.Context, tx Tx, pay *BenefitPayment, pending map[int64]money.Fen) error {
	os, err := tx.Overpayments(ctx, pay.PersonID)
	if err != nil {
		return err
	}
	for _, o := range os {
		if left := o.Outstanding() - pending[o.ID]; left > 0 {
			pay.Netted, pay.OverpaymentID = min(left, pay.Amount), o.ID
			pending[o.ID] += pay.Netted
			return nil
		}
	}
	return nil
}
