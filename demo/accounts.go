package demo

import (
	"context"
	"math"
	"sort"

	"hrss/insurance"
	"hrss/registry"
	"hrss/rules"
	"hrss/rules/money"
	"hrss/rules/period"
)

// LegacyLastYear is the last year the demo's legacy system holds: social
// insurance assesses from 2024-01 on (the first year whose bases the
// encoded parameters give), so the legacy records end in 2023.
const LegacyLastYear = 2023

// legacyFirstYear is when the demo's personal accounts begin.
const legacyFirstYear = 1992

// LegacyWriter writes yearly personal-account records migrated from the
// legacy system (store.Bulk implements it).
type LegacyWriter interface {
	Legacy(ctx context.Context, batch string, years []insurance.LegacyYear) error
}

// AccountsSummary counts the legacy records written.
type AccountsSummary struct {
	Persons int `json:"persons"`
	Years   int `json:"years"`
}

// WithAccounts wraps sink so that a Generate through it also writes, for
// every person with pension-insured relations or flexible enrolments
// before 2024, the yearly personal-account records a migration from the
// legacy system would deliver (LegacyYears), through w.
func WithAccounts(sink Sink, w LegacyWriter, params *rules.Params) (Sink, *AccountsSummary) {
	sum := &AccountsSummary{}
	return &accountsSink{Sink: sink, w: w, params: params, sum: sum}, sum
}

type accountsSink struct {
	Sink
	w      LegacyWriter
	params *rules.Params
	sum    *AccountsSummary
	rels   []registry.Employment
	flex   []registry.FlexibleWorker
}

func (s *accountsSink) Persons(ctx context.Context, ps []registry.SealedPerson) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	return s.Sink.Persons(ctx, ps)
}

func (s *accountsSink) Employments(ctx context.Context, es []registry.Employment) error {
	s.rels = append(s.rels, es...)
	return s.Sink.Employments(ctx, es)
}

func (s *accountsSink) Flexible(ctx context.Context, fs []registry.FlexibleWorker) error {
	s.flex = append(s.flex, fs...)
	return s.Sink.Flexible(ctx, fs)
}

func (s *accountsSink) Finish(ctx context.Context) error {
	if err := s.flush(ctx); err != nil {
		return err
	}
	return s.Sink.Finish(ctx)
}

// flush writes the legacy records of the batch's relations.
func (s *accountsSink) flush(ctx context.Context) error {
	if len(s.rels) == 0 && len(s.flex) == 0 {
		return nil
	}
	years := LegacyYears(s.rels, s.flex, s.params)
	s.rels, s.flex = s.rels[:0], s.flex[:0]
	persons := map[int64]bool{}
	for _, y := range years {
		persons[y.PersonID] = true
	}
	s.sum.Persons += len(persons)
	s.sum.Years += len(years)
	if len(years) == 0 {
		return nil
	}
	return s.w.Legacy(ctx, "demo", years)
}

// demoAverageWage is the demo's provincial average wage of year y in fen:
// the 2024 value of contribution.average_wage (8433 yuan) scaled by the
// demo's wage curve (eraFactor), so that indices are about 1 for the
// typical wage. It is synthetic: the real series is not encoded.
func demoAverageWage(y int) money.Fen {
	return money.Fen(math.Round(843300 * eraFactor(float64(y)+0.5)))
}

// personYear gathers one person's year.
type personYear struct {
	months  map[int]money.Fen // month → sum of the month's bases
	credits money.Fen
}

// LegacyYears derives the yearly legacy records of the persons of rels
// and flex, from legacyFirstYear to LegacyLastYear: the months with
// pension contributions, the average monthly base (each relation's
// declared wage carried back to the year along the demo's wage curve,
// within 60%-300% of the demo's average wage of the year), the average
// wage, the credits (pension.account_rate of each month's base, half-up
// to the fen; the 2006 rate is used for earlier years, a simplification
// of the demo) and the interest (rules.Params.AccountInterest where a
// crediting rate is encoded, from 2016; none before). Deterministic.
func LegacyYears(rels []registry.Employment, flex []registry.FlexibleWorker, params *rules.Params) []insurance.LegacyYear {
	byPerson := map[int64]map[int]*personYear{}
	add := func(person int64, start, end period.Date, wageAt func(y int) money.Fen) {
		for y := max(start.Y, legacyFirstYear); y <= LegacyLastYear; y++ {
			if !end.IsZero() && end.Y < y {
				break
			}
			avg := demoAverageWage(y)
			base := min(max(wageAt(y), avg.MulRatePPM(600_000)), avg.MulRatePPM(3_000_000))
			for m := 1; m <= 12; m++ {
				p := period.New(y, m)
				if p.Last().Before(start) || (!end.IsZero() && end.Before(p.First())) {
					continue
				}
				py := yearOf(byPerson, person, y)
				py.months[m] += base
			}
		}
	}
	for _, e := range rels {
		if !hasPension(e) {
			continue
		}
		endY := LegacyLastYear
		if !e.End.IsZero() {
			endY = e.End.Y
		}
		add(e.PersonID, e.Start, e.End, func(y int) money.Fen {
			return money.Fen(math.Round(float64(e.DeclaredWage) * eraFactor(float64(y)+0.5) / eraFactor(float64(endY)+0.5)))
		})
	}
	for _, f := range flex {
		add(f.PersonID, f.Start, f.End, func(y int) money.Fen { return demoAverageWage(y).MulRatePPM(int64(f.BasePct) * 10_000) })
	}
	return legacyRecords(byPerson, params)
}

func yearOf(m map[int64]map[int]*personYear, person int64, y int) *personYear {
	ys := m[person]
	if ys == nil {
		ys = map[int]*personYear{}
		m[person] = ys
	}
	py := ys[y]
	if py == nil {
		py = &personYear{months: map[int]money.Fen{}}
		ys[y] = py
	}
	return py
}

func hasPension(e registry.Employment) bool {
	for _, i := range e.Insurances {
		if i == registry.Pension {
			return true
		}
	}
	return false
}

// legacyRecords turns the gathered months into records, in person and
// year order, rolling each account's balance for the interest.
func legacyRecords(byPerson map[int64]map[int]*personYear, params *rules.Params) []insurance.LegacyYear {
	ids := make([]int64, 0, len(byPerson))
	for id := range byPerson {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var out []insurance.LegacyYear
	rates := accountRates{params: params, ppm: map[int]rateOf{}}
	for _, id := range ids {
		var balance money.Fen
		for y := legacyFirstYear; y <= LegacyLastYear; y++ {
			py := byPerson[id][y]
			rec := insurance.LegacyYear{PersonID: id, Year: y, AverageWage: demoAverageWage(y)}
			var sum money.Fen
			if py != nil {
				ppm, err := rates.of(max(y, 2006))
				for _, b := range py.months {
					sum += b
					if err == nil {
						rec.Credits += b.MulRatePPM(ppm)
					}
				}
				rec.Months = len(py.months)
				rec.AverageBase = money.Fen((int64(sum) + int64(rec.Months)/2) / int64(rec.Months)) // mean monthly base, half-up to the fen
			}
			if rec.Months == 0 && balance == 0 {
				continue
			}
			if y < 2016 {
				// no crediting rate encoded: no interest
			} else if ay, _, err := params.AccountInterest("", y, balance, rec.Credits); err == nil {
				rec.Interest = ay.Interest
			}
			balance += rec.Credits + rec.Interest
			out = append(out, rec)
		}
	}
	return out
}

// accountRates memoises pension.account_rate by year for legacyRecords,
// which asks it for every person-year.
type accountRates struct {
	params *rules.Params
	ppm    map[int]rateOf
}

type rateOf struct {
	ppm int64
	err error
}

// of returns the rate in force in January of year, in parts per million.
func (r accountRates) of(year int) (int64, error) {
	v, ok := r.ppm[year]
	if !ok {
		v.ppm, v.err = r.params.AccountRatePPM("", period.New(year, 1))
		r.ppm[year] = v
	}
	return v.ppm, v.err
}
