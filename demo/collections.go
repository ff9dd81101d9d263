package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"

	"hrss/insurance"
	"hrss/registry"
	"hrss/registry/ident"
	"hrss/rules/money"
	"hrss/rules/period"
)

// The streams of the collection history. They are kept apart from the
// generator's list in random.go (at values it will not reach), so that the
// city's rows and the collections never share a stream.
const (
	aspectPayerHabit aspect = 0x40 + iota // one per payer: how they usually pay
	aspectCollection                      // one per (payer, period): what they did this month
)

// Payers holds the codes by which the tax bureau names the city's payers
// in its collection files: each employer's credit code and each flexible
// worker's resident ID number. WithPayers fills it while Generate runs.
type Payers struct {
	employers map[int64]string
	flexible  map[int64]string
	batch     map[int64]ident.ResidentID // the current batch's persons
}

// WithPayers wraps sink so that a Generate through it also records the
// payer codes of the city (see Payers): the employers' credit codes, and
// the resident ID numbers of the persons with a flexible-worker
// enrolment. It keeps one string per employer and per flexible worker.
func WithPayers(sink Sink) (Sink, *Payers) {
	p := &Payers{employers: map[int64]string{}, flexible: map[int64]string{}, batch: map[int64]ident.ResidentID{}}
	return &payersSink{Sink: sink, p: p}, p
}

// Code returns the code of a payer as the tax bureau writes it, and false
// for a payer the Payers never saw.
func (p *Payers) Code(kind insurance.PayerKind, id int64) (string, bool) {
	var c string
	var ok bool
	switch kind {
	case insurance.PayerEmployer:
		c, ok = p.employers[id]
	case insurance.PayerFlexible:
		c, ok = p.flexible[id]
	}
	return c, ok
}

type payersSink struct {
	Sink
	p *Payers
}

func (s *payersSink) Employers(ctx context.Context, es []registry.Employer) error {
	for _, e := range es {
		s.p.employers[e.ID] = string(e.CreditCode)
	}
	return s.Sink.Employers(ctx, es)
}

func (s *payersSink) Persons(ctx context.Context, ps []registry.SealedPerson) error {
	clear(s.p.batch) // a batch's flexible enrolments follow its persons
	for _, sp := range ps {
		s.p.batch[sp.ID] = sp.ResidentID // the generator leaves the number in clear beside the sealed one
	}
	return s.Sink.Persons(ctx, ps)
}

func (s *payersSink) Flexible(ctx context.Context, fs []registry.FlexibleWorker) error {
	for _, f := range fs {
		if _, ok := s.p.flexible[f.PersonID]; ok {
			continue
		}
		id := s.p.batch[f.PersonID]
		if id == "" {
			return fmt.Errorf("demo: flexible enrolment %d of person %d outside its batch", f.ID, f.PersonID)
		}
		s.p.flexible[f.PersonID] = string(id)
	}
	return s.Sink.Flexible(ctx, fs)
}

// PayHabit is how a payer pays a bill.
type PayHabit int8

// The ways a bill is paid, and their shares among the payers: most pay the
// whole bill by the due date, some pay it late, some only part, a few not
// at all (arrears, 欠费).
const (
	PaysOnTime  PayHabit = iota // about 85%: the whole bill by the due date
	PaysLate                    // about 8%: the whole bill 1 to 90 days after the due date
	PaysPart                    // about 4%: 30% to 90% of the bill by the due date
	PaysNothing                 // about 3%: nothing
)

// payShares are the shares of PaysOnTime, PaysLate, PaysPart and
// PaysNothing, in that order.
var payShares = newTable([]float64{0.85, 0.08, 0.04, 0.03})

// Persistence of habits: a payer does what they usually do with this
// probability, and otherwise draws afresh from payShares (so the shares
// hold every month while the same employers tend to be the late ones).
const habitKeep = 0.7

// openShare is the share of a still open month's on-time payers (and
// part-payers) who have paid by the city's today: a few days after the
// month's end, about half the payers.
const openShare = 0.55

// CollectionsConfig chooses the collection file of one period.
type CollectionsConfig struct {
	Seed uint64      // the same seed gives the same payments
	AsOf period.Date // the city's today: no payment is dated after it
	// Open is set for the period whose collection is still under way (the
	// last month): the file is as the tax bureau has it a few days after
	// the month's end, about half the payers having paid, none late yet.
	Open bool
}

// Collections generates the tax bureau's collection records of bills (the
// bills of one period, with their due dates, as insurance.Service.Bills
// returns them): for each bill with something due, what its payer paid
// (see PayHabit), dated in the due month up to the due date, or after it
// when late; payments that would be dated after cfg.AsOf are not in the
// file yet. The rows depend only on the seed, the payer, the period and
// the amount due, and come in the order of bills. It fails for a bill
// without a due date or with a payer that payers does not know.
func Collections(cfg CollectionsConfig, bills []insurance.Bill, payers *Payers) ([]insurance.Collection, error) {
	s := newStream()
	var out []insurance.Collection
	for _, b := range bills {
		if b.Due <= 0 {
			continue
		}
		if b.DueDate.IsZero() {
			return nil, fmt.Errorf("demo: the bill of %s %d for %s has no due date", b.PayerKind, b.PayerID, b.Period)
		}
		code, ok := payers.Code(b.PayerKind, b.PayerID)
		if !ok {
			return nil, fmt.Errorf("demo: no code for %s %d (payers are recorded while generating)", b.PayerKind, b.PayerID)
		}
		s.reset(cfg.Seed, aspectPayerHabit, payerIndex(b.PayerKind, b.PayerID, 0))
		habit := PayHabit(payShares.pick(s))
		s.reset(cfg.Seed, aspectCollection, payerIndex(b.PayerKind, b.PayerID, b.Period))
		if !s.chance(habitKeep) {
			habit = PayHabit(payShares.pick(s))
		}
		// The due month up to the due date; up to the city's today while
		// the month is open.
		lo, hi := b.DueDate.Month().First(), b.DueDate
		if cfg.Open && cfg.AsOf.Before(hi) {
			hi = cfg.AsOf
		}
		if hi.Before(lo) {
			lo = hi
		}
		amount, paidOn := b.Due, dayOf(lo)+day(s.between(0, int(dayOf(hi)-dayOf(lo))))
		switch habit {
		case PaysNothing:
			continue
		case PaysLate:
			if cfg.Open {
				continue
			}
			paidOn = dayOf(b.DueDate) + day(s.between(1, 90))
		case PaysPart: // a share of the bill, truncated to the fen: any amount below it will do
			part := money.Fen(int64(b.Due) * int64(s.between(30, 90)) / 100)
			if part > 0 {
				amount = part
			}
		}
		if cfg.Open && !s.chance(openShare) {
			continue
		}
		if dayOf(cfg.AsOf) < paidOn {
			continue
		}
		out = append(out, insurance.Collection{
			Row:       len(out) + 2,
			PayerCode: code,
			Period:    b.Period,
			Amount:    amount,
			Reference: fmt.Sprintf("DEMO%d-%04d%02d-%s%d", cfg.Seed, b.Period.Year(), b.Period.Month(), kindLetter(b.PayerKind), b.PayerID),
			PaidOn:    paidOn.date(),
		})
	}
	return out, nil
}

// payerIndex is the stream index of a payer in a period (period 0: the
// payer's habit).
func payerIndex(kind insurance.PayerKind, id int64, p period.YearMonth) uint64 {
	return uint64(id)<<20 | uint64(kind)&3<<18 | uint64(p)&(1<<18-1)
}

func kindLetter(k insurance.PayerKind) string {
	if k == insurance.PayerFlexible {
		return "F"
	}
	return "E"
}

// CollectionsCSV writes rows as a collection file in CSV, with the header
// insurance.ParseCollections reads (credit_code, period, amount in yuan,
// reference, date).
func CollectionsCSV(rows []insurance.Collection) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"credit_code", "period", "amount", "reference", "date"})
	for _, r := range rows {
		w.Write([]string{r.PayerCode, r.Period.String(), r.Amount.String(), r.Reference, r.PaidOn.String()})
	}
	w.Flush() // writes to a bytes.Buffer do not fail
	return buf.Bytes()
}
